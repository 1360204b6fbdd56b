using Orleans.Concurrency;

namespace Actors.Grains.Feeds;

/// <summary>
/// Carries new and deleted posts to followers' timelines, off the request path. Authors with more
/// followers than the fan-out limit are not pushed; their posts are merged in when a feed is read.
/// </summary>
public interface IFanOutGrain : IGrainWithIntegerKey
{
    [OneWay]
    Task PostCreated(TimelineEntry entry);

    [OneWay]
    Task PostDeleted(TimelineEntry entry);
}
