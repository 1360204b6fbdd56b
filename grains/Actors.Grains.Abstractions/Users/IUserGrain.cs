using Actors.Grains.Abstractions.Leases;
using Actors.Grains.Abstractions.Posts;
using Orleans.Concurrency;

namespace Actors.Grains.Abstractions.Users;

/// <summary>One user, keyed by user id, holding the profile in memory and writing through to PostgreSQL.</summary>
[Alias("actors.IUserGrain")]
public interface IUserGrain : IGrainWithGuidKey
{
    /// <summary>
    /// Asks for an account with this grain's id. It waits for its email to be confirmed: a SignUpRequested
    /// event goes out in the same transaction (with the idempotency key if given), and becomes the mail
    /// with the confirmation token, or, for an email that has an account, a mail saying so. The answer is
    /// the same either way: when the link expires. Refused only for a taken handle.
    /// </summary>
    ValueTask<WriteResult<DateTimeOffset>> RequestSignUp(NewUser user, byte[] secret, IdempotencyKey? idempotency);

    /// <summary>
    /// Follows a confirmation link: the pending sign-up becomes the account and its UserSignedUp event,
    /// in one transaction. Refused when no unexpired sign-up has this secret, or the email or handle was
    /// taken meanwhile.
    /// </summary>
    ValueTask<WriteResult<UserProfile>> ConfirmSignUp(byte[] secret);

    /// <summary>The profile, or null when no such user exists. Served from memory once active.</summary>
    [ReadOnly]
    ValueTask<UserProfile?> GetProfile();

    /// <summary>
    /// The profile, and a lease: until it runs out, <paramref name="holder"/> hears of any change before
    /// the change is acknowledged.
    /// </summary>
    [ReadOnly]
    ValueTask<Leased<UserProfile>> LeaseProfile(INearCache holder);

    /// <summary>The public author summary if memory holds the profile; never queries.</summary>
    [ReadOnly]
    ValueTask<Cached<AuthorSummary>> PeekAuthor();

    /// <summary>
    /// Offers the row a batch query just read. Taken only by an activation that has not loaded or written
    /// anything yet; answers the author summary the grain now holds either way.
    /// </summary>
    ValueTask<AuthorSummary?> Prime(UserProfile row);

    /// <summary>Applies an edit when <paramref name="expectedVersion"/> is null or still current.</summary>
    ValueTask<WriteResult<UserProfile>> Update(ProfileChanges changes, long? expectedVersion);

    /// <summary>
    /// This user follows <paramref name="targetId"/>. Idempotent: following again changes nothing.
    /// The follow row and both users' counters change in one statement.
    /// </summary>
    ValueTask<WriteResult<UserCounters>> Follow(Guid targetId);

    /// <summary>This user stops following <paramref name="targetId"/>. Idempotent.</summary>
    ValueTask<WriteResult<UserCounters>> Unfollow(Guid targetId);

    /// <summary>
    /// This user writes post <paramref name="postId"/>: the post row, this user's post count, PostCreated
    /// and the idempotency key if given, in one transaction. The author's grain writes it, so creating a
    /// post activates no grain of its own; the post's grain loads the row on its first read.
    /// </summary>
    ValueTask<WriteResult<Post>> CreatePost(Guid postId, string body, IdempotencyKey? idempotency);

    /// <summary>
    /// Told by other writers (posts, follows) after they committed a counter change. Awaited by them, so
    /// a client that saw their write succeed reads the new count next. Interleaves with any other call
    /// (it only swaps a snapshot in memory): two users following each other at once tell each other
    /// while both are busy, which must not wait in line.
    /// </summary>
    [AlwaysInterleave]
    ValueTask CountersChanged(UserCounters counters);

    /// <summary>Told by a writer whose write may or may not have committed: reload the row on next use.</summary>
    [AlwaysInterleave]
    ValueTask Invalidate();
}
