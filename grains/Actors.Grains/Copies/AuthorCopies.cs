using Actors.Grains.Abstractions.Users;
using Actors.Grains.Feeds;
using Microsoft.Extensions.Options;

namespace Actors.Grains.Copies;

/// <summary>
/// The silo's copies of the author summaries that pages showed. A profile edit makes every silo forget
/// its copy before the edit is acknowledged, so the next page shows it; a silo that could not be told
/// (it was failing) drops its copy within <see cref="FeedOptions.AuthorCopyTtl"/>.
/// </summary>
public sealed class AuthorCopies(IOptions<FeedOptions> options, TimeProvider clock)
    : CopyCache<AuthorSummary>(options.Value.AuthorCopyTtl, options.Value.AuthorCopyCapacity, clock);
