using System.Diagnostics;
using System.Net;
using Actors.Stack.Tests.Infrastructure;
using Xunit.Abstractions;

namespace Actors.Stack.Tests;

/// <summary>
/// The OpenAPI document is enough to build a working client: Kiota (a .NET tool) generates a C#
/// client from the live document, and tests/Actors.GeneratedClient drives the core scenario through
/// it: sign-up with confirmation, log-in, follow, post, feed and like.
/// </summary>
[Collection(StackGroup.Name)]
public sealed class GeneratedClientTests(StackFixture fixture, ITestOutputHelper output)
{
    private static readonly string Project = Path.Combine(TestEnvironment.RepositoryRoot, "tests", "Actors.GeneratedClient");

    [Fact]
    public async Task A_client_kiota_generates_from_the_live_document_runs_the_core_scenario()
    {
        var document = Path.Combine(Path.GetTempPath(), $"actors-openapi-{Guid.NewGuid():N}.json");
        await File.WriteAllTextAsync(document, await fixture.Stack.Http.GetStringAsync("/openapi/v1.json"));
        try
        {
            await RunAsync(TestEnvironment.RepositoryRoot, "dotnet", "kiota", "generate", "-l", "CSharp", "-d", document,
                "-c", "ActorsClient", "-n", "Actors.Client", "-o", Path.Combine(Project, "Generated"),
                "--exclude-backward-compatible", "--clean-output");
        }
        finally
        {
            File.Delete(document);
        }

        await RunAsync(Project, "dotnet", "build", "-c", TestEnvironment.Configuration, "-nologo", "-clp:ErrorsOnly", "-v:q");

        var tag = Guid.NewGuid().ToString("N")[..10];
        var dll = Path.Combine(Project, "bin", TestEnvironment.Configuration, "net10.0", "Actors.GeneratedClient.dll");
        using var scenario = Process.Start(new ProcessStartInfo("dotnet", [dll, fixture.Stack.Http.BaseAddress!.ToString(), tag])
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        })!;
        var errors = scenario.StandardError.ReadToEndAsync();
        string? postId = null;
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(90));
        while (await scenario.StandardOutput.ReadLineAsync(timeout.Token) is { } line)
        {
            output.WriteLine(line);
            if (line.StartsWith("confirm ", StringComparison.Ordinal))
            {
                // The token comes only by mail, as it would to a person.
                await scenario.StandardInput.WriteLineAsync(await fixture.Stack.ConfirmationTokenAsync(line["confirm ".Length..]));
                await scenario.StandardInput.FlushAsync();
            }
            else if (line.StartsWith("ok ", StringComparison.Ordinal))
            {
                postId = line["ok ".Length..];
            }
        }

        await scenario.WaitForExitAsync(timeout.Token);
        Assert.True(scenario.ExitCode == 0, await errors);
        Assert.NotNull(postId);
        // What the client did is there for everyone.
        var post = await (await fixture.Stack.Http.GetAsync($"/api/posts/{postId}")).Json(HttpStatusCode.OK);
        Assert.Equal(1, post.GetProperty("likes").GetInt32());
        Assert.Equal($"Hello from the generated client {tag}", post.GetProperty("body").GetString());
    }

    private async Task RunAsync(string directory, string program, params string[] arguments)
    {
        using var process = Process.Start(new ProcessStartInfo(program, arguments)
        {
            WorkingDirectory = directory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        })!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(3));
        await process.WaitForExitAsync(timeout.Token);
        var text = await stdout + await stderr;
        output.WriteLine($"{program} {string.Join(' ', arguments.Take(2))}: exit {process.ExitCode}");
        Assert.True(process.ExitCode == 0, $"{program} {string.Join(' ', arguments)} failed:\n{text}");
    }
}
