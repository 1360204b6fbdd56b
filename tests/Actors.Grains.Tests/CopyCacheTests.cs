using Actors.Grains.Abstractions.Users;
using Actors.Grains.Copies;
using Actors.Grains.Feeds;
using Microsoft.Extensions.Options;

namespace Actors.Grains.Tests;

/// <summary>The silo's copies of authors: their time to live, and that a copy read before a change is never kept after it.</summary>
public sealed class CopyCacheTests
{
    private static readonly AuthorSummary Old = new(Guid.NewGuid(), "old", "Old Name", 1);
    private readonly ManualClock _clock = new();

    private AuthorCopies Copies(TimeSpan ttl) =>
        new(Options.Create(new FeedOptions { AuthorCopyTtl = ttl }), _clock);

    [Fact]
    public void A_copy_is_served_until_its_time_to_live_runs_out()
    {
        var copies = Copies(TimeSpan.FromSeconds(30));
        copies.Keep(Old.Id, Old, copies.Generation);

        _clock.Advance(TimeSpan.FromSeconds(29));
        Assert.True(copies.TryGet(Old.Id, out var copy));
        Assert.Same(Old, copy);

        _clock.Advance(TimeSpan.FromSeconds(1));
        Assert.False(copies.TryGet(Old.Id, out _));
    }

    [Fact]
    public void A_copy_read_before_a_forget_is_not_kept_after_it()
    {
        var copies = Copies(TimeSpan.FromSeconds(30));
        var before = copies.Generation;

        // The page asked the grain (old name), then the edit's notice arrived, then the page kept its answer.
        copies.Forget(Old.Id);
        copies.Keep(Old.Id, Old, before);

        Assert.False(copies.TryGet(Old.Id, out _));
        copies.Keep(Old.Id, Old, copies.Generation);
        Assert.True(copies.TryGet(Old.Id, out _));
    }

    [Fact]
    public void Forget_drops_a_kept_copy_and_a_zero_time_to_live_keeps_nothing()
    {
        var copies = Copies(TimeSpan.FromSeconds(30));
        copies.Keep(Old.Id, Old, copies.Generation);
        copies.Forget(Old.Id);
        Assert.False(copies.TryGet(Old.Id, out _));

        var never = Copies(TimeSpan.Zero);
        never.Keep(Old.Id, Old, never.Generation);
        Assert.False(never.TryGet(Old.Id, out _));
    }

    private sealed class ManualClock : TimeProvider
    {
        private DateTimeOffset _now = new(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);

        public override DateTimeOffset GetUtcNow() => _now;

        public void Advance(TimeSpan by) => _now += by;
    }
}
