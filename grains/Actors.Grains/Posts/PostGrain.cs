using Actors.Grains.Data;
using Actors.Grains.Events;
using Actors.Grains.Users;
using Npgsql;

namespace Actors.Grains.Posts;

/// <summary>
/// Holds one post in memory. Reads come from memory once loaded; create and delete commit first (post,
/// author counter and outbox event in one statement), then change memory, then tell the author's grain
/// its new counters.
/// </summary>
public sealed class PostGrain(Database database, TimeProvider clock) : Grain, IPostGrain
{
    private Post? _post;
    private bool _loaded;
    private Task? _loading;

    private Guid Id => this.GetPrimaryKey();

    public ValueTask<Post?> GetPost() => _loaded ? ValueTask.FromResult(_post) : LoadThenGet();

    public async ValueTask<WriteResult<Post>> Create(Guid authorId, string body, IdempotencyKey? idempotency)
    {
        if (_loaded && _post is not null)
        {
            return WriteResult.Refused<Post>(WriteStatus.Conflict, ErrorCodes.PostExists);
        }

        var now = Time.Now(clock);
        var created = new PostCreated(Guid.CreateVersion7(), Id, authorId, now);
        UserCounters? counters;
        try
        {
            counters = await database.WriteAsync("post.create", async connection =>
            {
                await using var command = Sql.Command(connection, PostRows.Insert,
                    Sql.Value(Id), Sql.Value(authorId), Sql.Value(body), Sql.Value(now));
                OutboxEntry.For(created).AddParameters(command.Parameters);
                command.Parameters.AddRange(Sql.Idempotency(idempotency));
                return await ReadCounters(command).ConfigureAwait(true);
            }).ConfigureAwait(true);
        }
        catch (PostgresException ex) when (Database.IsConstraintViolation(ex, out var constraint))
        {
            return WriteResult.Refused<Post>(WriteStatus.Conflict,
                constraint == Sql.IdempotencyConstraint ? ErrorCodes.IdempotencyKeyInUse : ErrorCodes.PostExists);
        }

        if (counters is null)
        {
            return WriteResult.Refused<Post>(WriteStatus.NotFound, ErrorCodes.AuthorNotFound);
        }

        _post = new Post(Id, authorId, body, now, LikeCount: 0, Version: 1);
        _loaded = true;
        await GrainFactory.GetGrain<IUserGrain>(authorId).CountersChanged(counters).ConfigureAwait(true);
        return WriteResult.Created(_post);
    }

    public async ValueTask<WriteResult<Post>> Delete(Guid requesterId)
    {
        var current = await GetPost().ConfigureAwait(true);
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
        var counters = await database.WriteAsync("post.delete", async connection =>
        {
            await using var command = Sql.Command(connection, PostRows.Delete, Sql.Value(Id), Sql.Value(requesterId), Sql.Value(now));
            OutboxEntry.For(deleted).AddParameters(command.Parameters);
            return await ReadCounters(command).ConfigureAwait(true);
        }).ConfigureAwait(true);

        // Gone either way: deleted now, or already deleted outside this activation.
        _post = null;
        _loaded = true;
        DeactivateOnIdle();
        if (counters is null)
        {
            return WriteResult.Refused<Post>(WriteStatus.NotFound, ErrorCodes.PostNotFound);
        }

        await GrainFactory.GetGrain<IUserGrain>(current.AuthorId).CountersChanged(counters).ConfigureAwait(true);
        return WriteResult.Ok(current);
    }

    private static async Task<UserCounters?> ReadCounters(NpgsqlCommand command)
    {
        await using var reader = await command.ExecuteReaderAsync().ConfigureAwait(true);
        return await reader.ReadAsync().ConfigureAwait(true) ? UserRows.ReadCounters(reader) : null;
    }

    private async ValueTask<Post?> LoadThenGet()
    {
        _loading ??= Load();
        try
        {
            await _loading.ConfigureAwait(true);
        }
        finally
        {
            _loading = null;
        }

        return _post;
    }

    private async Task Load()
    {
        var row = await database.ReadAsync("post.load", connection => PostRows.LoadAsync(connection, Id)).ConfigureAwait(true);
        if (!_loaded)
        {
            _post = row;
            _loaded = true;
        }
    }
}
