using Actors.Grains.Data;
using Actors.Grains.Events;
using Microsoft.Extensions.Logging;
using Npgsql;

namespace Actors.Grains.Users;

/// <summary>
/// Holds one user's profile in memory. Reads are answered from memory once loaded (one query on first
/// use); writes commit to PostgreSQL first and only then change memory, so a refused or failed write
/// leaves the grain exactly as it was.
/// </summary>
public sealed partial class UserGrain(Database database, TimeProvider clock, ILogger<UserGrain> logger) : Grain, IUserGrain
{
    private UserProfile? _profile;
    private bool _loaded;
    private Task? _loading;

    private Guid Id => this.GetPrimaryKey();

    public ValueTask<UserProfile?> GetProfile() => _loaded ? ValueTask.FromResult(_profile) : LoadThenGet();

    public async ValueTask<WriteResult<UserProfile>> SignUp(NewUser user, IdempotencyKey? idempotency)
    {
        if (_loaded && _profile is not null)
        {
            return WriteResult.Refused<UserProfile>(WriteStatus.Conflict, ErrorCodes.UserExists);
        }

        var now = Time.Now(clock);
        var signedUp = new UserSignedUp(Guid.CreateVersion7(), Id, user.Handle, user.Email, user.DisplayName, now);
        try
        {
            await database.WriteAsync("user.sign-up", async connection =>
            {
                await using var command = Sql.Command(connection, UserRows.Insert,
                    Sql.Value(Id), Sql.Value(user.Handle), Sql.Value(user.Email), Sql.Value(user.DisplayName),
                    Sql.Value(user.PasswordHash), Sql.Value(now));
                OutboxEntry.For(signedUp).AddParameters(command.Parameters);
                command.Parameters.AddRange(Sql.Idempotency(idempotency));
                return await command.ExecuteNonQueryAsync().ConfigureAwait(true);
            }).ConfigureAwait(true);
        }
        catch (PostgresException ex) when (Database.IsConstraintViolation(ex, out var constraint))
        {
            return WriteResult.Refused<UserProfile>(WriteStatus.Conflict, ConflictCode(constraint));
        }

        // The row now holds exactly these values (all counters start at zero, version at one).
        _profile = new UserProfile(Id, user.Handle, user.Email, user.DisplayName, Bio: string.Empty, now, now, Version: 1,
            new UserCounters(0, 0, 0, 0));
        _loaded = true;
        LogSignedUp(logger, Id);
        return WriteResult.Created(_profile);
    }

    public async ValueTask<WriteResult<UserProfile>> Update(ProfileChanges changes, long? expectedVersion)
    {
        var current = await GetProfile().ConfigureAwait(true);
        if (current is null)
        {
            return WriteResult.Refused<UserProfile>(WriteStatus.NotFound, ErrorCodes.UserNotFound);
        }

        if (expectedVersion is { } expected && expected != current.Version)
        {
            return WriteResult.Refused<UserProfile>(WriteStatus.VersionMismatch, ErrorCodes.VersionMismatch);
        }

        var now = Time.Now(clock);
        var updated = new UserProfileUpdated(Guid.CreateVersion7(), Id, current.Version + 1, now);
        UserProfile? committed;
        try
        {
            committed = await database.WriteAsync("user.update", async connection =>
            {
                await using var command = Sql.Command(connection, UserRows.Update,
                    Sql.Value(Id), Sql.Value(current.Version), Sql.Text(changes.Handle), Sql.Text(changes.Email),
                    Sql.Text(changes.DisplayName), Sql.Text(changes.Bio), Sql.Value(now));
                OutboxEntry.For(updated).AddParameters(command.Parameters);
                await using var reader = await command.ExecuteReaderAsync().ConfigureAwait(true);
                return await reader.ReadAsync().ConfigureAwait(true) ? UserRows.Read(reader) : null;
            }).ConfigureAwait(true);
        }
        catch (PostgresException ex) when (Database.IsConstraintViolation(ex, out var constraint))
        {
            return WriteResult.Refused<UserProfile>(WriteStatus.Conflict, ConflictCode(constraint));
        }

        if (committed is null)
        {
            // The row changed outside this activation (or vanished): forget what memory holds and
            // let the next read load the truth.
            Forget();
            return WriteResult.Refused<UserProfile>(WriteStatus.VersionMismatch, ErrorCodes.VersionMismatch);
        }

        _profile = KeepNewestCounters(committed, current.Counters);
        return WriteResult.Ok(_profile);
    }

    public ValueTask CountersChanged(UserCounters counters)
    {
        if (_loaded && _profile is not null && counters.Sequence > _profile.Counters.Sequence)
        {
            _profile = _profile with { Counters = counters };
        }

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

    private async ValueTask<UserProfile?> LoadThenGet()
    {
        // Read-only calls interleave, so concurrent first reads share one load.
        _loading ??= Load();
        try
        {
            await _loading.ConfigureAwait(true);
        }
        finally
        {
            _loading = null;
        }

        return _profile;
    }

    private async Task Load()
    {
        var row = await database.ReadAsync("user.load", connection => UserRows.LoadAsync(connection, Id)).ConfigureAwait(true);
        if (!_loaded)
        {
            _profile = row;
            _loaded = true;
        }
    }

    private void Forget()
    {
        _profile = null;
        _loaded = false;
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "User {UserId} signed up")]
    private static partial void LogSignedUp(ILogger logger, Guid userId);
}
