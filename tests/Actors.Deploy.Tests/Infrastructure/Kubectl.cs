using System.ComponentModel;
using System.Diagnostics;

namespace Actors.Deploy.Tests.Infrastructure;

/// <summary>Renders kustomizations with the real kubectl (offline: no cluster is contacted).</summary>
internal static class Kubectl
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(120);

    public static string Kustomize(string directory)
    {
        var start = new ProcessStartInfo("kubectl")
        {
            ArgumentList = { "kustomize", directory },
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        Process process;
        try
        {
            process = Process.Start(start) ?? throw new InvalidOperationException("kubectl did not start.");
        }
        catch (Win32Exception ex)
        {
            throw new InvalidOperationException(
                "kubectl is not on PATH. The deployment tests render deploy/k8s with `kubectl kustomize`, which needs " +
                "no cluster and no network: install kubectl (for example the kubectl package from the Kubernetes apt repository) and run the tests again.", ex);
        }

        using (process)
        {
            var output = process.StandardOutput.ReadToEndAsync();
            var error = process.StandardError.ReadToEndAsync();
            if (!process.WaitForExit(Timeout))
            {
                process.Kill(entireProcessTree: true);
                throw new TimeoutException($"kubectl kustomize {directory} did not finish within {Timeout.TotalSeconds} s.");
            }

            Task.WaitAll(output, error);
            return process.ExitCode == 0
                ? output.Result
                : throw new InvalidOperationException($"kubectl kustomize {directory} failed (exit {process.ExitCode}): {error.Result}");
        }
    }
}
