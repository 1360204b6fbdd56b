using Actors.Grains.Abstractions.Posts;
using Actors.Grains.Feeds;
using Microsoft.Extensions.Options;

namespace Actors.Grains.Copies;

/// <summary>
/// The silo's copies of posts that pages showed, for at most <see cref="FeedOptions.PostCopyTtl"/>: the
/// most a like count on a page lags. Deleting a post makes every silo forget its copy (a silo that cannot
/// be told drops it within the same bound). Post bodies never change, so nothing else can go stale.
/// </summary>
public sealed class PostCopies(IOptions<FeedOptions> options, TimeProvider clock)
    : CopyCache<Post>(options.Value.PostCopyTtl, options.Value.PostCopyCapacity, clock);
