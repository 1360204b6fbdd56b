using Actors.Grains.Abstractions;
using Actors.Testing;

namespace Actors.Grains.Tests;

/// <summary>The batcher behind the outbox's completions, the fan-out's follower lookups, group commit, lease drops and cold reads.</summary>
public sealed class BatcherTests
{
    [Fact]
    public async Task Callers_arriving_while_a_statement_runs_share_the_next_one_and_each_gets_its_own_answer()
    {
        var release = new TaskCompletionSource();
        var statements = new List<int[]>();
        var batcher = new Batcher<int, string>(async items =>
        {
            lock (statements)
            {
                statements.Add([.. items]);
            }

            await release.Task;
            return items.Select(i => $"answer {i}").ToList();
        }, TimeSpan.Zero, 100);

        var first = batcher.RunAsync(0);
        await Poll.UntilAsync(() => Task.FromResult(statements.Count), c => c == 1, "the first statement started");
        var rest = Enumerable.Range(1, 50).Select(batcher.RunAsync).ToList();
        release.SetResult();

        Assert.Equal("answer 0", await first);
        Assert.Equal(Enumerable.Range(1, 50).Select(i => $"answer {i}"), await Task.WhenAll(rest));
        Assert.Equal(2, statements.Count);
        Assert.Equal(Enumerable.Range(1, 50), statements[1]);
    }

    [Fact]
    public async Task Callers_within_the_linger_go_in_one_statement_and_no_statement_exceeds_the_limit()
    {
        var statements = new List<int>();
        var batcher = new Batcher<int, int>(items =>
        {
            lock (statements)
            {
                statements.Add(items.Count);
            }

            return Task.FromResult<IReadOnlyList<int>>([.. items.Select(i => i * 2)]);
        }, TimeSpan.FromMilliseconds(200), 10);

        var answers = await Task.WhenAll(Enumerable.Range(0, 25).Select(batcher.RunAsync));

        Assert.Equal(Enumerable.Range(0, 25).Select(i => i * 2), answers);
        Assert.Equal([10, 10, 5], statements);
    }

    [Fact]
    public async Task A_failed_statement_fails_each_of_its_callers_and_the_next_statement_still_runs()
    {
        var calls = 0;
        var batcher = new Batcher<int, int>(items =>
            Interlocked.Increment(ref calls) == 1
                ? Task.FromException<IReadOnlyList<int>>(new StoreUnavailableException("down"))
                : Task.FromResult<IReadOnlyList<int>>([.. items]), TimeSpan.FromMilliseconds(100), 100);

        var failed = Enumerable.Range(0, 3).Select(batcher.RunAsync).ToList();
        foreach (var call in failed)
        {
            await Assert.ThrowsAsync<StoreUnavailableException>(() => call);
        }

        Assert.Equal(7, await batcher.RunAsync(7));
        Assert.Equal(2, calls);
    }

    [Fact]
    public async Task A_call_runs_in_the_context_of_the_caller_that_started_it()
    {
        var seen = new List<string?>();
        var batcher = new Batcher<int, int>(items =>
        {
            lock (seen)
            {
                seen.Add(Caller.Value);
            }

            return Task.FromResult<IReadOnlyList<int>>([.. items]);
        }, TimeSpan.Zero, 10);

        Caller.Value = "the first caller";
        Assert.Equal(1, await batcher.RunAsync(1));
        Assert.Equal(["the first caller"], seen);
    }

    private static readonly AsyncLocal<string?> Caller = new();
}
