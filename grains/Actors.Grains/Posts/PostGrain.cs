using Actors.Grains.Abstractions;
using Actors.Grains.Abstractions.Events;
using Actors.Grains.Abstractions.Leases;
using Actors.Grains.Abstractions.Posts;
using Actors.Grains.Abstractions.Users;
using Actors.Grains.Copies;
using Actors.Grains.Data;
using Actors.Grains.Users;
using Microsoft.Extensions.Logging;
using Npgsql;

namespace Actors.Grains.Posts;

/// <summary>
/// Holds one post in memory, loaded on its first read (its author's grain creates it). Likes and the
/// deletion commit first (a deletion with the author's counter and outbox event in one statement), then
/// change memory, then tell the author's grain its new counters.
/// </summary>
public sealed class PostGrain(
    Database database, WritePath writes, Leasing leases, GrainMetrics metrics, SiloCopies copies, TimeProvider clock,
    ILogger<PostGrain> logger) : Grain, IPostGrain
{
    private HeldRow<Post>? _held;

    private Guid Id => this.GetPrimaryKey();

    // An id with no post (never written, or deleted) keeps no activation.
    private HeldRow<Post> Row => _held ??= new(clock, leases, metrics, LeaseKind.Post, Id,
        () => database.ReadAsync("post.load", (connection, ct) => PostSql.LoadAsync(connection, Id, ct)), DeactivateOnIdle);

    public override Task OnDeactivateAsync(DeactivationReason reason, CancellationToken cancellationToken) => Row.RevokeAsync();

    public ValueTask<Post?> GetPost() => Row.ReadAsync();

    public ValueTask<Leased<Post>> LeasePost(INearCache holder) => Row.LeaseAsync(holder);

    public ValueTask<Cached<Post>> Peek() => ValueTask.FromResult(Row.Peek(post => post));

    public ValueTask<Post?> Prime(Post row)
    {
        if (row.Id != Id)
        {
            throw new ArgumentException("The row is another post's.", nameof(row));
        }

        Row.Prime(row);
        return Row.CurrentAsync();
    }

    public ValueTask<WriteResult<Post>> AddLike(Guid userId) => ChangeLike(userId, like: true);

    public ValueTask<WriteResult<Post>> RemoveLike(Guid userId) => ChangeLike(userId, like: false);

    private async ValueTask<WriteResult<Post>> ChangeLike(Guid userId, bool like)
    {
        if (await Row.CurrentAsync() is null)
        {
            return WriteResult.Refused<Post>(WriteStatus.NotFound, ErrorCodes.PostNotFound);
        }

        var now = Time.Now(clock);
        var result = await writes.RunAsync(new GrainWrite<int?, WriteResult<Post>?>
        {
            Operation = like ? "post.like" : "post.unlike",
            Holders = Row.Holders,
            Statement = async (connection, ct) =>
            {
                await using var command = like
                    ? Sql.Command(connection, PostSql.Like, Sql.Value(Id), Sql.Value(userId), Sql.Value(now))
                    : Sql.Command(connection, PostSql.Unlike, Sql.Value(Id), Sql.Value(userId));
                return await command.ExecuteScalarAsync(ct) is int count ? count : (int?)null;
            },
            // The liking user does not exist (a post that vanished answers no row instead).
            Refusal = ex => ex.SqlState == PostgresErrorCodes.ForeignKeyViolation
                ? WriteResult.Refused<Post>(WriteStatus.NotFound, ErrorCodes.UserNotFound)
                : null,
            Unknown = () =>
            {
                Row.Suspect();
                return Task.CompletedTask;
            },
            Apply = likes =>
            {
                if (likes is not { } count)
                {
                    Row.Set(null);
                    return WriteResult.Refused<Post>(WriteStatus.NotFound, ErrorCodes.PostNotFound);
                }

                // A trusted row takes the committed count; a suspect one is reloaded below.
                if (Row.TryGet(out var post) && post is not null)
                {
                    post = post with { LikeCount = count };
                    Row.Set(post);
                    return WriteResult.Ok(post);
                }

                return null;
            },
        });
        if (result is not null)
        {
            return result;
        }

        var reloaded = await Row.CurrentAsync();
        return reloaded is null ? WriteResult.Refused<Post>(WriteStatus.NotFound, ErrorCodes.PostNotFound) : WriteResult.Ok(reloaded);
    }

    public async ValueTask<WriteResult<Post>> Delete(Guid requesterId)
    {
        var current = await Row.CurrentAsync();
        if (current is null)
        {
            return WriteResult.Refused<Post>(WriteStatus.NotFound, ErrorCodes.PostNotFound);
        }

        if (current.AuthorId != requesterId)
        {
            return WriteResult.Refused<Post>(WriteStatus.Forbidden, ErrorCodes.NotAuthor);
        }

        var now = Time.Now(clock);
        var deleted = OutboxEntry.For(new PostDeleted(Guid.CreateVersion7(), Id, current.AuthorId, now));
        return await writes.RunAsync(new GrainWrite<UserCounters?, WriteResult<Post>>
        {
            Operation = "post.delete",
            Holders = Row.Holders,
            Statement = (connection, ct) =>
            {
                var command = Sql.Command(connection, PostSql.Delete,
                    Sql.Value("id", Id), Sql.Value("requester_id", requesterId), Sql.Value("now", now));
                deleted.AddParameters(command.Parameters);
                return UserSql.CountersAsync(command, ct);
            },
            Announces = true,
            Unknown = () =>
            {
                Row.Suspect();
                return GrainFactory.MayHaveChangedAsync(current.AuthorId, logger);
            },
            Apply = counters =>
            {
                // Gone either way: deleted now, or already deleted outside this activation.
                Row.Set(null);
                DeactivateOnIdle();
                return counters is null ? WriteResult.Refused<Post>(WriteStatus.NotFound, ErrorCodes.PostNotFound) : WriteResult.Ok(current);
            },
            Announce = async counters =>
            {
                await copies.ForgetPostEverywhereAsync(Id);
                if (counters is not null)
                {
                    await GrainFactory.CountersChangedAsync(current.AuthorId, counters, logger);
                }
            },
        });
    }

}
