namespace Actors.Grains.Feeds;

/// <summary>
/// Assembles lists of posts with their authors on the silo that received the call (a stateless
/// worker), so no single activation does every list's grain calls.
/// </summary>
public interface IFeedReaderGrain : IGrainWithIntegerKey
{
    /// <summary>The top of the trending ranking, posts with their authors.</summary>
    ValueTask<Trending> GetTrending(int limit);
}
