using System.Collections.Concurrent;
using Actors.Grains.Abstractions.Analytics;

namespace Actors.Gateway.Analytics;

/// <summary>
/// Counts post views in memory on the request path (one dictionary update, no call), so a read costs
/// nothing more; <see cref="ViewPublisher"/> hands the counts to the cluster in batches.
/// </summary>
public sealed class ViewCounter
{
    private ConcurrentDictionary<Guid, int> _counts = new();

    public void Count(Guid postId) => _counts.AddOrUpdate(postId, 1, static (_, n) => n + 1);

    /// <summary>Everything counted since the last call, or null when nothing was.</summary>
    public PostViews? Take()
    {
        if (_counts.IsEmpty)
        {
            return null;
        }

        // A view counted by a request that still held the old dictionary may be missed: views are
        // allowed that bounded loss, and the request path never waits for a lock.
        var taken = Interlocked.Exchange(ref _counts, new ConcurrentDictionary<Guid, int>());
        var pairs = taken.ToArray();
        return new PostViews([.. pairs.Select(p => p.Key)], [.. pairs.Select(p => p.Value)]);
    }
}
