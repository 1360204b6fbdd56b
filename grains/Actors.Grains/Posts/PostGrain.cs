using Actors.Grains.Data;
using Actors.Grains.Events;
using Actors.Grains.Feeds;
using Actors.Grains.Outbox;
using Actors.Grains.Users;
using Microsoft.Extensions.Logging;
using Npgsql;

namespace Actors.Grains.Posts;

/// <summary>
/// Holds one post in memory. Reads come from memory once loaded; create and delete commit first (post,
/// author counter and outbox event in one statement), then change memory, then tell the author's grain
/// its new counters.
/// </summary>
public sealed class PostGrain(
    Database database, GrainMetrics metrics, OutboxSignal outbox, SiloCopies copies, TimeProvider clock, ILogger<PostGrain> logger) : Grain, IPostGrain
{
    private readonly RowCache<Post> _row = new(clock);

    private Guid Id => this.GetPrimaryKey();

    public ValueTask<Post?> GetPost()
    {
        metrics.Read("post", _row.TryGet(out _));
        return Current();
    }

    public ValueTask<Cached<Post>> Peek()
    {
        var held = _row.TryGet(out var post);
        metrics.Read("post", held);
        return ValueTask.FromResult(new Cached<Post>(held, post));
    }

    public ValueTask<Post?> Prime(Post row)
    {
        if (row.Id != Id)
        {
            throw new ArgumentException("The row is another post's.", nameof(row));
        }

        _row.Prime(row);
        return Current();
    }

    public async ValueTask<WriteResult<Post>> Create(Guid authorId, string body, IdempotencyKey? idempotency)
    {
        if (_row.TryGet(out var existing) && existing is not null)
        {
            return WriteResult.Refused<Post>(WriteStatus.Conflict, ErrorCodes.PostExists);
        }

        var now = Time.Now(clock);
        var created = new PostCreated(Guid.CreateVersion7(), Id, authorId, now);
        UserCounters? counters;
        try
        {
            counters = await database.WriteAsync("post.create", async (connection, ct) =>
            {
                await using var command = Sql.Command(connection, PostRows.Insert,
                    Sql.Value(Id), Sql.Value(authorId), Sql.Value(body), Sql.Value(now));
                OutboxEntry.For(created).AddParameters(command.Parameters);
                command.Parameters.AddRange(Sql.Idempotency(idempotency));
                return await ReadCounters(command, ct).ConfigureAwait(true);
            }).ConfigureAwait(true);
        }
        catch (PostgresException ex) when (Database.IsUniqueViolation(ex, out var constraint))
        {
            return WriteResult.Refused<Post>(WriteStatus.Conflict,
                constraint == Sql.IdempotencyConstraint ? ErrorCodes.IdempotencyKeyInUse : ErrorCodes.PostExists);
        }
        catch (StoreUnavailableException ex) when (ex.OutcomeUnknown)
        {
            _row.Forget();
            await GrainFactory.MayHaveChangedAsync(authorId, logger).ConfigureAwait(true);
            throw;
        }

        if (counters is null)
        {
            return WriteResult.Refused<Post>(WriteStatus.NotFound, ErrorCodes.AuthorNotFound);
        }

        var post = new Post(Id, authorId, body, now, LikeCount: 0, Version: 1);
        _row.Set(post);
        await GrainFactory.CountersChangedAsync(authorId, counters, logger).ConfigureAwait(true);
        outbox.Nudge();
        return WriteResult.Created(post);
    }

    public ValueTask<WriteResult<Post>> AddLike(Guid userId) => ChangeLike(userId, like: true);

    public ValueTask<WriteResult<Post>> RemoveLike(Guid userId) => ChangeLike(userId, like: false);

    private async ValueTask<WriteResult<Post>> ChangeLike(Guid userId, bool like)
    {
        if (await Current().ConfigureAwait(true) is null)
        {
            return WriteResult.Refused<Post>(WriteStatus.NotFound, ErrorCodes.PostNotFound);
        }

        var now = Time.Now(clock);
        int? likes;
        try
        {
            likes = await database.WriteAsync(like ? "post.like" : "post.unlike", async (connection, ct) =>
            {
                await using var command = like
                    ? Sql.Command(connection, PostRows.Like, Sql.Value(Id), Sql.Value(userId), Sql.Value(now))
                    : Sql.Command(connection, PostRows.Unlike, Sql.Value(Id), Sql.Value(userId));
                return await command.ExecuteScalarAsync(ct).ConfigureAwait(true) is int count ? count : (int?)null;
            }).ConfigureAwait(true);
        }
        catch (PostgresException ex) when (ex.SqlState == PostgresErrorCodes.ForeignKeyViolation)
        {
            // The liking user does not exist (a post that vanished answers no row instead).
            return WriteResult.Refused<Post>(WriteStatus.NotFound, ErrorCodes.UserNotFound);
        }
        catch (StoreUnavailableException ex) when (ex.OutcomeUnknown)
        {
            _row.Suspect();
            throw;
        }

        if (likes is not { } count)
        {
            _row.Set(null);
            return WriteResult.Refused<Post>(WriteStatus.NotFound, ErrorCodes.PostNotFound);
        }

        // Reads of a suspect row reload it; a trusted one takes the committed count.
        if (_row.TryGet(out var post) && post is not null)
        {
            post = post with { LikeCount = count };
            _row.Set(post);
        }

        post ??= await Current().ConfigureAwait(true);
        return post is null ? WriteResult.Refused<Post>(WriteStatus.NotFound, ErrorCodes.PostNotFound) : WriteResult.Ok(post);
    }

    public async ValueTask<WriteResult<Post>> Delete(Guid requesterId)
    {
        var current = await Current().ConfigureAwait(true);
        if (current is null)
        {
            return WriteResult.Refused<Post>(WriteStatus.NotFound, ErrorCodes.PostNotFound);
        }

        if (current.AuthorId != requesterId)
        {
            return WriteResult.Refused<Post>(WriteStatus.Forbidden, ErrorCodes.NotAuthor);
        }

        var now = Time.Now(clock);
        var deleted = new PostDeleted(Guid.CreateVersion7(), Id, current.AuthorId, now);
        UserCounters? counters;
        try
        {
            counters = await database.WriteAsync("post.delete", async (connection, ct) =>
            {
                await using var command = Sql.Command(connection, PostRows.Delete, Sql.Value(Id), Sql.Value(requesterId), Sql.Value(now));
                OutboxEntry.For(deleted).AddParameters(command.Parameters);
                return await ReadCounters(command, ct).ConfigureAwait(true);
            }).ConfigureAwait(true);
        }
        catch (StoreUnavailableException ex) when (ex.OutcomeUnknown)
        {
            _row.Suspect();
            await GrainFactory.MayHaveChangedAsync(current.AuthorId, logger).ConfigureAwait(true);
            throw;
        }

        // Gone either way: deleted now, or already deleted outside this activation.
        _row.Set(null);
        await copies.ForgetPostEverywhereAsync(Id).ConfigureAwait(true);
        DeactivateOnIdle();
        if (counters is null)
        {
            return WriteResult.Refused<Post>(WriteStatus.NotFound, ErrorCodes.PostNotFound);
        }

        await GrainFactory.CountersChangedAsync(current.AuthorId, counters, logger).ConfigureAwait(true);
        outbox.Nudge();
        return WriteResult.Ok(current);
    }

    private static async Task<UserCounters?> ReadCounters(NpgsqlCommand command, CancellationToken ct)
    {
        await using var reader = await command.ExecuteReaderAsync(ct).ConfigureAwait(true);
        return await reader.ReadAsync(ct).ConfigureAwait(true) ? UserRows.ReadCounters(reader) : null;
    }

    // The row, from memory or loaded; writes use it too, and only callers' reads count as reads.
    private ValueTask<Post?> Current() =>
        _row.TryGet(out var post) ? ValueTask.FromResult(post) : _row.GetAsync(Load);

    private Task<Post?> Load() =>
        database.ReadAsync("post.load", (connection, ct) => PostRows.LoadAsync(connection, Id, ct));
}
