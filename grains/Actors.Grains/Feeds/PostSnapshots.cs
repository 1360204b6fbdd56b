using System.Collections.Concurrent;
using Actors.Grains.Posts;
using Microsoft.Extensions.Options;

namespace Actors.Grains.Feeds;

/// <summary>
/// The silo's short-lived copies of posts that feed and trending pages showed, shared by every page
/// assembled on this silo: popular posts appear on many pages, and a copy saves a grain call per post
/// per page. A copy is used for at most <see cref="FeedOptions.PostSnapshotTtl"/>, so a like count on a
/// page lags by at most that. Deleting a post drops the copy on its grain's silo at once; elsewhere the
/// post leaves timelines by fan-out, and any copy expires within the same bound. Post bodies never
/// change, so nothing else can go stale.
/// </summary>
public sealed class PostSnapshots(IOptions<FeedOptions> options, TimeProvider clock)
{
    private readonly long _ttlTicks = options.Value.PostSnapshotTtl.Ticks;
    private readonly int _capacity = options.Value.PostSnapshotCapacity;
    private readonly ConcurrentDictionary<Guid, (Post Post, long Until)> _copies = new();

    public bool TryGet(Guid postId, out Post post)
    {
        if (_ttlTicks > 0 && _copies.TryGetValue(postId, out var copy) && copy.Until > clock.GetUtcNow().UtcTicks)
        {
            post = copy.Post;
            return true;
        }

        post = null!;
        return false;
    }

    public void Keep(Post post)
    {
        if (_ttlTicks <= 0)
        {
            return;
        }

        var now = clock.GetUtcNow().UtcTicks;
        if (_copies.Count >= _capacity)
        {
            // Rare: drop what expired; if that is not enough, start over rather than track recency.
            foreach (var (id, copy) in _copies)
            {
                if (copy.Until <= now)
                {
                    _copies.TryRemove(id, out _);
                }
            }

            if (_copies.Count >= _capacity)
            {
                _copies.Clear();
            }
        }

        _copies[post.Id] = (post, now + _ttlTicks);
    }

    public void Forget(Guid postId) => _copies.TryRemove(postId, out _);
}
