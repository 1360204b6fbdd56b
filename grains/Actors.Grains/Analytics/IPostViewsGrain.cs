namespace Actors.Grains.Analytics;

/// <summary>A partition of post-view aggregation, keyed by partition number; only streams call it.</summary>
public interface IPostViewsGrain : IGrainWithIntegerKey;
