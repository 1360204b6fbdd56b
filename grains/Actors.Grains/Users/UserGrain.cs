using Actors.Grains.Data;
using Actors.Grains.Events;
using Actors.Grains.Feeds;
using Actors.Grains.Outbox;
using Microsoft.Extensions.Logging;
using Npgsql;

namespace Actors.Grains.Users;

/// <summary>
/// Holds one user's profile in memory. Reads are answered from memory once loaded (one query on first
/// use); writes commit to PostgreSQL first and only then change memory, so a refused or failed write
/// leaves the grain exactly as it was.
/// </summary>
public sealed partial class UserGrain(
    Database database, GrainMetrics metrics, OutboxSignal outbox, SiloCopies copies, TimeProvider clock, ILogger<UserGrain> logger)
    : Grain, IUserGrain
{
    private readonly RowCache<UserProfile> _row = new(clock);

    private Guid Id => this.GetPrimaryKey();

    public ValueTask<UserProfile?> GetProfile()
    {
        metrics.Read("user", _row.TryGet(out _));
        return Current();
    }

    public ValueTask<Cached<AuthorSummary>> PeekAuthor()
    {
        var held = _row.TryGet(out var profile);
        metrics.Read("user", held);
        return ValueTask.FromResult(new Cached<AuthorSummary>(held, profile is null ? null : AuthorSummary.Of(profile)));
    }

    public async ValueTask<AuthorSummary?> Prime(UserProfile row)
    {
        if (row.Id != Id)
        {
            throw new ArgumentException("The row is another user's.", nameof(row));
        }

        _row.Prime(row);
        return await Current().ConfigureAwait(true) is { } profile ? AuthorSummary.Of(profile) : null;
    }

    public async ValueTask<WriteResult<UserProfile>> SignUp(NewUser user, IdempotencyKey? idempotency)
    {
        if (_row.TryGet(out var existing) && existing is not null)
        {
            return WriteResult.Refused<UserProfile>(WriteStatus.Conflict, ErrorCodes.UserExists);
        }

        var now = Time.Now(clock);
        var signedUp = new UserSignedUp(Guid.CreateVersion7(), Id, user.Handle, user.Email, user.DisplayName, now);
        try
        {
            await database.WriteAsync("user.sign-up", async (connection, ct) =>
            {
                await using var command = Sql.Command(connection, UserRows.Insert,
                    Sql.Value(Id), Sql.Value(user.Handle), Sql.Value(user.Email), Sql.Value(user.DisplayName),
                    Sql.Value(user.PasswordHash), Sql.Value(now));
                OutboxEntry.For(signedUp).AddParameters(command.Parameters);
                command.Parameters.AddRange(Sql.Idempotency(idempotency));
                return await command.ExecuteNonQueryAsync(ct).ConfigureAwait(true);
            }).ConfigureAwait(true);
        }
        catch (PostgresException ex) when (Database.IsUniqueViolation(ex, out var constraint))
        {
            return WriteResult.Refused<UserProfile>(WriteStatus.Conflict, ConflictCode(constraint));
        }
        catch (StoreUnavailableException ex) when (ex.OutcomeUnknown)
        {
            _row.Forget();
            throw;
        }

        // The row now holds exactly these values (all counters start at zero, version at one).
        var profile = new UserProfile(Id, user.Handle, user.Email, user.DisplayName, Bio: string.Empty, now, now, Version: 1,
            new UserCounters(0, 0, 0, 0));
        _row.Set(profile);
        outbox.Nudge();
        LogSignedUp(logger, Id);
        return WriteResult.Created(profile);
    }

    public async ValueTask<WriteResult<UserProfile>> Update(ProfileChanges changes, long? expectedVersion)
    {
        // Without If-Match the caller wants its edit applied to whatever is current: when memory turns
        // out to be behind the row, reload once and apply the edit to the row's version.
        for (var attempt = 0; ; attempt++)
        {
            var current = await Current().ConfigureAwait(true);
            if (current is null)
            {
                return WriteResult.Refused<UserProfile>(WriteStatus.NotFound, ErrorCodes.UserNotFound);
            }

            if (expectedVersion is { } expected && expected != current.Version)
            {
                return WriteResult.Refused<UserProfile>(WriteStatus.VersionMismatch, ErrorCodes.VersionMismatch);
            }

            var outcome = await TryUpdate(current, changes).ConfigureAwait(true);
            if (outcome is not null)
            {
                return outcome;
            }

            // The row changed outside this activation (or vanished): forget memory, load the truth.
            _row.Forget();
            if (expectedVersion is not null || attempt > 0)
            {
                return WriteResult.Refused<UserProfile>(WriteStatus.VersionMismatch, ErrorCodes.VersionMismatch);
            }
        }
    }

    /// <returns>The result, or null when the row no longer has the version memory holds.</returns>
    private async Task<WriteResult<UserProfile>?> TryUpdate(UserProfile current, ProfileChanges changes)
    {
        var now = Time.Now(clock);
        var updated = new UserProfileUpdated(Guid.CreateVersion7(), Id, current.Version + 1, now);
        UserProfile? committed;
        try
        {
            committed = await database.WriteAsync("user.update", async (connection, ct) =>
            {
                await using var command = Sql.Command(connection, UserRows.Update,
                    Sql.Value(Id), Sql.Value(current.Version), Sql.Text(changes.Handle), Sql.Text(changes.Email),
                    Sql.Text(changes.DisplayName), Sql.Text(changes.Bio), Sql.Value(now));
                OutboxEntry.For(updated).AddParameters(command.Parameters);
                await using var reader = await command.ExecuteReaderAsync(ct).ConfigureAwait(true);
                return await reader.ReadAsync(ct).ConfigureAwait(true) ? UserRows.Read(reader) : null;
            }).ConfigureAwait(true);
        }
        catch (PostgresException ex) when (Database.IsUniqueViolation(ex, out var constraint))
        {
            return WriteResult.Refused<UserProfile>(WriteStatus.Conflict, ConflictCode(constraint));
        }
        catch (StoreUnavailableException ex) when (ex.OutcomeUnknown)
        {
            _row.Suspect();
            await copies.ForgetAuthorEverywhereAsync(Id).ConfigureAwait(true);
            throw;
        }

        if (committed is null)
        {
            return null;
        }

        // Counter notices interleave with this call: keep whichever snapshot is newest now.
        var held = _row.TryGet(out var latest) && latest is not null ? latest.Counters : current.Counters;
        var profile = KeepNewestCounters(committed, held);
        _row.Set(profile);
        outbox.Nudge();

        // Memory holds the edit first, so a silo asking again after forgetting gets the new name; and
        // before the edit is acknowledged, so no page assembled after it shows the old one.
        await copies.ForgetAuthorEverywhereAsync(Id).ConfigureAwait(true);
        return WriteResult.Ok(profile);
    }

    public ValueTask<WriteResult<UserCounters>> Follow(Guid targetId) => ChangeFollow(targetId, follow: true);

    public ValueTask<WriteResult<UserCounters>> Unfollow(Guid targetId) => ChangeFollow(targetId, follow: false);

    private async ValueTask<WriteResult<UserCounters>> ChangeFollow(Guid targetId, bool follow)
    {
        if (targetId == Id)
        {
            return WriteResult.Refused<UserCounters>(WriteStatus.Invalid, ErrorCodes.CannotFollowSelf);
        }

        if (await Current().ConfigureAwait(true) is not { } me)
        {
            return WriteResult.Refused<UserCounters>(WriteStatus.NotFound, ErrorCodes.UserNotFound);
        }

        var now = Time.Now(clock);
        List<(string Who, UserCounters Counters)> changed;
        try
        {
            changed = await database.WriteAsync(follow ? "user.follow" : "user.unfollow", async (connection, ct) =>
            {
                await using var command = follow
                    ? Sql.Command(connection, FollowRows.Follow, Sql.Value(Id), Sql.Value(targetId), Sql.Value(now))
                    : Sql.Command(connection, FollowRows.Unfollow, Sql.Value(Id), Sql.Value(targetId));
                await using var reader = await command.ExecuteReaderAsync(ct).ConfigureAwait(true);
                var rows = new List<(string, UserCounters)>();
                while (await reader.ReadAsync(ct).ConfigureAwait(true))
                {
                    rows.Add((reader.GetString(0), UserRows.ReadCounters(reader, first: 1)));
                }

                return rows;
            }).ConfigureAwait(true);
        }
        catch (StoreUnavailableException ex) when (ex.OutcomeUnknown)
        {
            _row.Suspect();
            await GrainFactory.MayHaveChangedAsync(targetId, logger).ConfigureAwait(true);
            await GrainFactory.FollowsChangedAsync(Id, logger).ConfigureAwait(true);
            throw;
        }

        if (!changed.Exists(r => r.Who == "target"))
        {
            return WriteResult.Refused<UserCounters>(WriteStatus.NotFound, ErrorCodes.UserNotFound);
        }

        if (changed.Exists(r => r.Who == "follower"))
        {
            await GrainFactory.FollowsChangedAsync(Id, logger).ConfigureAwait(true);
        }

        foreach (var (who, counters) in changed)
        {
            if (who == "follower")
            {
                await CountersChanged(counters).ConfigureAwait(true);
            }
            else if (who == "followee")
            {
                await GrainFactory.CountersChangedAsync(targetId, counters, logger).ConfigureAwait(true);
            }
        }

        return WriteResult.Ok(_row.TryGet(out var current) && current is not null ? current.Counters : me.Counters);
    }

    public ValueTask CountersChanged(UserCounters counters)
    {
        if (_row.TryGet(out var profile) && profile is not null && counters.Sequence > profile.Counters.Sequence)
        {
            _row.Set(profile with { Counters = counters });
        }

        return ValueTask.CompletedTask;
    }

    public ValueTask Invalidate()
    {
        _row.Suspect();
        return ValueTask.CompletedTask;
    }

    private static UserProfile KeepNewestCounters(UserProfile fromRow, UserCounters inMemory) =>
        inMemory.Sequence > fromRow.Counters.Sequence ? fromRow with { Counters = inMemory } : fromRow;

    private static string ConflictCode(string? constraint) => constraint switch
    {
        UserRows.EmailConstraint => ErrorCodes.EmailTaken,
        UserRows.HandleConstraint => ErrorCodes.HandleTaken,
        Sql.IdempotencyConstraint => ErrorCodes.IdempotencyKeyInUse,
        _ => ErrorCodes.UserExists,
    };

    // The row, from memory or loaded; writes use it too, and only callers' reads count as reads.
    private ValueTask<UserProfile?> Current() =>
        _row.TryGet(out var profile) ? ValueTask.FromResult(profile) : _row.GetAsync(Load);

    private Task<UserProfile?> Load() =>
        database.ReadAsync("user.load", (connection, ct) => UserRows.LoadAsync(connection, Id, ct));

    [LoggerMessage(Level = LogLevel.Information, Message = "User {UserId} signed up")]
    private static partial void LogSignedUp(ILogger logger, Guid userId);
}
