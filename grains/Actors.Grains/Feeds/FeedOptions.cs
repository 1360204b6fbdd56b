using System.ComponentModel.DataAnnotations;

namespace Actors.Grains.Feeds;

/// <summary>Home timelines, fan-out and trending. Bound from the "Feed" section.</summary>
public sealed class FeedOptions : IValidatableObject
{
    public const string Section = "Feed";

    /// <summary>
    /// Authors with at least this many followers are not fanned out (one grain call per follower per
    /// post); timelines merge their newest posts in when read instead.
    /// </summary>
    public int FanOutLimit { get; set; } = 1000;

    /// <summary>
    /// How long a fan-out's follower lookup waits for others on the same silo, so one query answers for
    /// many posts. Delays fan-out by that much; zero batches only lookups already waiting.
    /// </summary>
    public TimeSpan FanOutLinger { get; set; } = TimeSpan.FromMilliseconds(5);

    /// <summary>Entries a timeline keeps in memory; older pages are read with one indexed query.</summary>
    public int TimelineLength { get; set; } = 200;

    /// <summary>
    /// A timeline older than this is rebuilt on its next read: the bound on how long a lost fan-out
    /// message (a silo died after the post committed) can keep a post out of a feed.
    /// </summary>
    public TimeSpan TimelineMaxAge { get; set; } = TimeSpan.FromMinutes(10);

    /// <summary>
    /// How long a silo reuses its copy of a post for feed and trending pages (zero: never): the most a
    /// like count on such a page lags, and the most a deleted post can outlive its fan-out there.
    /// </summary>
    public TimeSpan PostCopyTtl { get; set; } = TimeSpan.FromSeconds(2);

    /// <summary>Most post copies a silo keeps for pages.</summary>
    public int PostCopyCapacity { get; set; } = 50_000;

    /// <summary>
    /// How long a silo reuses its copy of an author's name and handle for pages (zero: never). A profile
    /// edit makes every silo forget the copy before it is acknowledged; this bounds a copy only on a silo
    /// that could not be told.
    /// </summary>
    public TimeSpan AuthorCopyTtl { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>Most author copies a silo keeps for pages.</summary>
    public int AuthorCopyCapacity { get; set; } = 100_000;

    /// <summary>Likes newer than this count towards trending.</summary>
    public TimeSpan TrendingWindow { get; set; } = TimeSpan.FromHours(24);

    /// <summary>What one view weighs in the trending score against one like.</summary>
    public double TrendingViewWeight { get; set; } = 0.1;

    /// <summary>A ranking older than this is recomputed in the background while it is still served.</summary>
    public TimeSpan TrendingRefresh { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>A ranking is never served older than this: past it, a read waits for the new one.</summary>
    public TimeSpan TrendingMaxAge { get; set; } = TimeSpan.FromSeconds(60);

    /// <summary>How many posts a ranking holds (the largest trending page).</summary>
    public int TrendingSize { get; set; } = 50;

    /// <summary>Settings that would make feeds misbehave are refused when the silo starts.</summary>
    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        if (FanOutLimit < 1)
        {
            yield return new ValidationResult("Feed:FanOutLimit must be at least 1.", [nameof(FanOutLimit)]);
        }

        if (FanOutLinger < TimeSpan.Zero || FanOutLinger > TimeSpan.FromSeconds(1))
        {
            yield return new ValidationResult("Feed:FanOutLinger must be between zero and one second.", [nameof(FanOutLinger)]);
        }

        if (TimelineLength is < 100 or > 10_000)
        {
            yield return new ValidationResult("Feed:TimelineLength must be 100 to 10000 (a page holds up to 100).", [nameof(TimelineLength)]);
        }

        if (TimelineMaxAge <= TimeSpan.Zero)
        {
            yield return new ValidationResult("Feed:TimelineMaxAge must be above zero.", [nameof(TimelineMaxAge)]);
        }

        if (PostCopyTtl < TimeSpan.Zero || AuthorCopyTtl < TimeSpan.Zero)
        {
            yield return new ValidationResult("Feed:PostCopyTtl and AuthorCopyTtl must be zero or more.", [nameof(PostCopyTtl), nameof(AuthorCopyTtl)]);
        }

        if (PostCopyCapacity < 1 || AuthorCopyCapacity < 1)
        {
            yield return new ValidationResult("Feed:PostCopyCapacity and AuthorCopyCapacity must be at least 1.", [nameof(PostCopyCapacity), nameof(AuthorCopyCapacity)]);
        }

        if (TrendingWindow <= TimeSpan.Zero || TrendingRefresh <= TimeSpan.Zero)
        {
            yield return new ValidationResult("Feed:TrendingWindow and TrendingRefresh must be above zero.", [nameof(TrendingWindow), nameof(TrendingRefresh)]);
        }

        if (TrendingMaxAge < TrendingRefresh)
        {
            yield return new ValidationResult("Feed:TrendingMaxAge must be at least TrendingRefresh.", [nameof(TrendingMaxAge)]);
        }

        if (TrendingSize is < 1 or > 100)
        {
            yield return new ValidationResult("Feed:TrendingSize must be 1 to 100.", [nameof(TrendingSize)]);
        }

        if (TrendingViewWeight < 0)
        {
            yield return new ValidationResult("Feed:TrendingViewWeight must be zero or more.", [nameof(TrendingViewWeight)]);
        }
    }
}
