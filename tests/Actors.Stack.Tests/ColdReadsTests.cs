using System.Collections.Concurrent;
using Actors.Gateway.Caching;
using Actors.Testing;

namespace Actors.Stack.Tests;

/// <summary>The gateway's batching of reads without activation, on its own.</summary>
public sealed class ColdReadsTests
{
    [Fact]
    public async Task Reads_that_arrive_while_calls_are_in_flight_go_together_and_each_gets_its_own_row()
    {
        var answer = new TaskCompletionSource();
        var calls = new ConcurrentQueue<Guid[]>();
        var reads = new ColdReads<string>(async ids =>
        {
            calls.Enqueue(ids);
            await answer.Task;
            return [.. ids.Select(id => id.ToString())];
        });

        var ids = Enumerable.Range(0, 100).Select(_ => Guid.NewGuid()).ToList();
        var pending = ids.Select(reads.ReadAsync).ToList();

        // Some calls went out; never more than the lanes while none has come back.
        await Poll.UntilAsync(() => Task.FromResult(!calls.IsEmpty), "a call sent");
        await Task.Delay(200);
        Assert.InRange(calls.Count, 1, ColdReads<string>.Lanes);
        answer.SetResult();

        // Each read its own row; every id in exactly one call, and the waiting ones in one more call at most.
        Assert.Equal(ids.Select(id => id.ToString()), await Task.WhenAll(pending));
        Assert.Equal(ids.Order(), calls.SelectMany(call => call).Order());
        Assert.InRange(calls.Count, 1, ColdReads<string>.Lanes + 1);
    }

    [Fact]
    public async Task A_failed_call_fails_the_reads_it_carried_and_no_other()
    {
        var fail = true;
        var reads = new ColdReads<string>(ids => fail
            ? Task.FromException<string?[]>(new InvalidOperationException("the silo is away"))
            : Task.FromResult<string?[]>([.. ids.Select(id => id.ToString())]));

        await Assert.ThrowsAsync<InvalidOperationException>(() => reads.ReadAsync(Guid.NewGuid()));
        fail = false;
        var id = Guid.NewGuid();
        Assert.Equal(id.ToString(), await reads.ReadAsync(id));
    }
}
