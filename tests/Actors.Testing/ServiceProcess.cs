using System.Collections.Concurrent;
using System.Diagnostics;

namespace Actors.Testing;

/// <summary>A silo or gateway running as its own OS process, with its output kept for failure reports.</summary>
public sealed class ServiceProcess : IAsyncDisposable
{
    private readonly Process _process;
    private readonly ConcurrentQueue<string> _output = new();

    private ServiceProcess(string name, Process process)
    {
        Name = name;
        _process = process;
    }

    public string Name { get; }

    public bool HasExited => _process.HasExited;

    /// <summary>The operating system's process id.</summary>
    public int Id => _process.Id;

    /// <summary>The exit code once the process has exited.</summary>
    public int? ExitCode => _process.HasExited ? _process.ExitCode : null;

    public static ServiceProcess Start(string name, string dll, IReadOnlyDictionary<string, string> environment, string[]? arguments = null)
    {
        var info = new ProcessStartInfo("dotnet", [dll, .. arguments ?? []])
        {
            WorkingDirectory = Path.GetDirectoryName(dll),
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var (key, value) in environment)
        {
            info.Environment[key] = value;
        }

        var process = new Process { StartInfo = info, EnableRaisingEvents = true };
        var service = new ServiceProcess(name, process);
        process.OutputDataReceived += (_, e) => service.Keep(e.Data);
        process.ErrorDataReceived += (_, e) => service.Keep(e.Data);
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return service;
    }

    /// <summary>Polls an HTTP endpoint until it answers 2xx; fails with the process output if it exits or never does.</summary>
    public Task WaitUntilHealthyAsync(HttpClient http, Uri url, TimeSpan timeout) =>
        Poll.UntilAsync(async () =>
        {
            if (HasExited)
            {
                throw new InvalidOperationException($"{Name} exited with {_process.ExitCode}:\n{Output()}");
            }

            try
            {
                using var response = await http.GetAsync(url);
                return response.IsSuccessStatusCode;
            }
            catch (HttpRequestException)
            {
                return false; // not listening yet
            }
        }, () => $"{Name} healthy at {url}:\n{Output()}", timeout, TimeSpan.FromMilliseconds(200));

    /// <summary>SIGTERM, as an orchestrator stops a process, then waits for it to exit by itself.</summary>
    public async Task StopAsync(TimeSpan timeout)
    {
        if (HasExited)
        {
            return;
        }

        await TerminateAsync();
        using var cts = new CancellationTokenSource(timeout);
        try
        {
            await _process.WaitForExitAsync(cts.Token);
        }
        catch (OperationCanceledException)
        {
            _process.Kill(entireProcessTree: true);
            throw new TimeoutException($"{Name} did not stop within {timeout} of SIGTERM:\n{Output()}");
        }
    }

    /// <summary>Sends SIGTERM and returns at once, while the process shuts down.</summary>
    public Task TerminateAsync() => SignalAsync("TERM");

    /// <summary>Sends a signal by name (TERM, STOP, CONT ...) to the process.</summary>
    public async Task SignalAsync(string name)
    {
        using var kill = Process.Start("kill", ["-" + name, _process.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)]);
        await kill.WaitForExitAsync();
        if (kill.ExitCode != 0)
        {
            throw new InvalidOperationException($"kill -{name} {Name} exited with {kill.ExitCode}");
        }
    }

    /// <summary>Waits for a one-shot command to finish; answers its exit code (killed and -1 after the timeout).</summary>
    public async Task<int> WaitForExitAsync(TimeSpan timeout)
    {
        using var cts = new CancellationTokenSource(timeout);
        try
        {
            await _process.WaitForExitAsync(cts.Token);
            return _process.ExitCode;
        }
        catch (OperationCanceledException)
        {
            _process.Kill(entireProcessTree: true);
            return -1;
        }
    }

    /// <summary>SIGKILL: the process dies on the spot, as in a crash or an out-of-memory kill.</summary>
    public async Task KillAsync()
    {
        _process.Kill();
        await _process.WaitForExitAsync();
    }

    public string Output() => string.Join('\n', _output.TakeLast(80));

    /// <summary>True when any of the last 500 lines of output contains <paramref name="text"/>.</summary>
    public bool Printed(string text) => _output.Any(line => line.Contains(text, StringComparison.Ordinal));

    /// <summary>The lines among the last 500 of output that contain <paramref name="text"/>.</summary>
    public List<string> LinesWith(string text) => _output.Where(line => line.Contains(text, StringComparison.Ordinal)).ToList();

    public async ValueTask DisposeAsync()
    {
        if (!HasExited)
        {
            _process.Kill(entireProcessTree: true);
            await _process.WaitForExitAsync();
        }

        _process.Dispose();
    }

    private void Keep(string? line)
    {
        if (line is null)
        {
            return;
        }

        _output.Enqueue(line);
        while (_output.Count > 500 && _output.TryDequeue(out _))
        {
        }
    }
}
