namespace Actors.Grains.Abstractions.Feeds;

/// <summary>
/// Serves the trending ranking with its posts and authors, assembled on the silo that received the
/// call (a stateless worker), so the one TrendingGrain only ranks and no single activation does
/// every reader's grain calls.
/// </summary>
[Alias("actors.ITrendingReaderGrain")]
public interface ITrendingReaderGrain : IGrainWithIntegerKey
{
    /// <summary>The top of the trending ranking, posts with their authors.</summary>
    ValueTask<Trending> GetTrending(int limit);
}
