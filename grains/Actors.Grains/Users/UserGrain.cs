using Actors.Grains.Abstractions;
using Actors.Grains.Abstractions.Events;
using Actors.Grains.Abstractions.Leases;
using Actors.Grains.Abstractions.Posts;
using Actors.Grains.Abstractions.Users;
using Actors.Grains.Copies;
using Actors.Grains.Data;
using Actors.Grains.Feeds.FanOut;
using Actors.Grains.Posts;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Npgsql;

namespace Actors.Grains.Users;

/// <summary>
/// Holds one user's profile in memory. Reads are answered from memory once loaded (one query on first
/// use); writes commit to PostgreSQL first and only then change memory, so a refused or failed write
/// leaves the grain exactly as it was.
/// </summary>
public sealed partial class UserGrain(
    Database database, WritePath writes, Leasing leases, GrainMetrics metrics, SiloCopies copies, IOptions<SignUpOptions> signUps,
    TimeProvider clock, ILogger<UserGrain> logger)
    : Grain, IUserGrain
{
    private HeldRow<UserProfile>? _held;

    private Guid Id => this.GetPrimaryKey();

    // An id with no user keeps no activation: anyone can ask for any number of random ids.
    private HeldRow<UserProfile> Row => _held ??= new(clock, leases, metrics, LeaseKind.User, Id,
        () => database.ReadAsync("user.load", (connection, ct) => UserSql.LoadAsync(connection, Id, ct)), DeactivateOnIdle);

    public override Task OnDeactivateAsync(DeactivationReason reason, CancellationToken cancellationToken) => Row.RevokeAsync();

    public ValueTask<UserProfile?> GetProfile() => Row.ReadAsync();

    public ValueTask<Leased<UserProfile>> LeaseProfile(INearCache holder) => Row.LeaseAsync(holder);

    public ValueTask<Cached<AuthorSummary>> PeekAuthor() => ValueTask.FromResult(Row.Peek(AuthorSummary.Of));

    public async ValueTask<AuthorSummary?> Prime(UserProfile row)
    {
        if (row.Id != Id)
        {
            throw new ArgumentException("The row is another user's.", nameof(row));
        }

        Row.Prime(row);
        return await Row.CurrentAsync() is { } profile ? AuthorSummary.Of(profile) : null;
    }

    public async ValueTask<WriteResult<DateTimeOffset>> RequestSignUp(NewUser user, byte[] secret, IdempotencyKey? idempotency)
    {
        var now = Time.Now(clock);
        var expires = now + signUps.Value.Lifetime;
        var requested = OutboxEntry.For(new SignUpRequested(Guid.CreateVersion7(), Id, user.Handle, user.Email, user.DisplayName,
            SignUpToken.Encode(Id, secret), expires, now));
        LogSignUpRequested(logger, Id);
        return await writes.RunAsync(new GrainWrite<bool, WriteResult<DateTimeOffset>>
        {
            Operation = "user.sign-up",
            Statement = async (connection, ct) =>
            {
                await using var command = Sql.Command(connection, UserSql.RequestSignUp,
                    Sql.Value("id", Id), Sql.Value("token_hash", SignUpToken.HashSecret(secret)), Sql.Value("handle", user.Handle),
                    Sql.Value("email", user.Email), Sql.Value("display_name", user.DisplayName),
                    Sql.Value("password_hash", user.PasswordHash), Sql.Value("now", now), Sql.Value("expires_at", expires));
                requested.AddParameters(command.Parameters);
                command.Parameters.AddRange(IdempotencySql.Parameters(idempotency));
                return await command.ExecuteScalarAsync(ct) is true;
            },
            Announces = true,
            Refusal = Conflict<DateTimeOffset>,
            // Nothing is in memory until the sign-up is confirmed.
            Unknown = () => Task.CompletedTask,
            Apply = handleFree => handleFree
                ? WriteResult.Created(expires)
                : WriteResult.Refused<DateTimeOffset>(WriteStatus.Conflict, ErrorCodes.HandleTaken),
        });
    }

    public async ValueTask<WriteResult<UserProfile>> ConfirmSignUp(byte[] secret)
    {
        var now = Time.Now(clock);
        var tokenHash = SignUpToken.HashSecret(secret);
        var pending = await database.ReadAsync("user.sign-up.find", async (connection, ct) =>
        {
            await using var command = Sql.Command(connection, UserSql.SelectSignUp,
                Sql.Value("id", Id), Sql.Value("token_hash", tokenHash), Sql.Value("now", now));
            await using var reader = await command.ExecuteReaderAsync(ct);
            return await reader.ReadAsync(ct) ? new NewUser(reader.GetString(0), reader.GetString(1), reader.GetString(2), string.Empty) : null;
        });
        if (pending is null)
        {
            return WriteResult.Refused<UserProfile>(WriteStatus.NotFound, ErrorCodes.SignUpNotFound);
        }

        var signedUp = OutboxEntry.For(new UserSignedUp(Guid.CreateVersion7(), Id, pending.Handle, pending.Email, pending.DisplayName, now));
        var result = await writes.RunAsync(new GrainWrite<int, WriteResult<UserProfile>>
        {
            Operation = "user.confirm",
            Statement = (connection, ct) =>
            {
                var command = Sql.Command(connection, UserSql.ConfirmSignUp,
                    Sql.Value("id", Id), Sql.Value("token_hash", tokenHash), Sql.Value("now", now));
                signedUp.AddParameters(command.Parameters);
                return Sql.ExecuteAsync(command, ct);
            },
            Announces = true,
            Refusal = Conflict<UserProfile>,
            Unknown = () =>
            {
                Row.Forget();
                return Task.CompletedTask;
            },
            Apply = created =>
            {
                // Confirmed twice at once: the other call took the pending row.
                if (created == 0)
                {
                    return WriteResult.Refused<UserProfile>(WriteStatus.NotFound, ErrorCodes.SignUpNotFound);
                }

                // The row now holds exactly these values (all counters start at zero, version at one).
                var profile = new UserProfile(Id, pending.Handle, pending.Email, pending.DisplayName, Bio: string.Empty, now, now, Version: 1,
                    new UserCounters(0, 0, 0, 0));
                Row.Set(profile);
                return WriteResult.Created(profile);
            },
        });
        if (result.Succeeded)
        {
            LogSignedUp(logger, Id);
        }

        return result;
    }

    public async ValueTask<WriteResult<UserProfile>> Update(ProfileChanges changes, long? expectedVersion)
    {
        // Without If-Match the caller wants its edit applied to whatever is current: when memory turns
        // out to be behind the row, reload once and apply the edit to the row's version.
        for (var attempt = 0; ; attempt++)
        {
            var current = await Row.CurrentAsync();
            if (current is null)
            {
                return WriteResult.Refused<UserProfile>(WriteStatus.NotFound, ErrorCodes.UserNotFound);
            }

            if (expectedVersion is { } expected && expected != current.Version)
            {
                return WriteResult.Refused<UserProfile>(WriteStatus.VersionMismatch, ErrorCodes.VersionMismatch);
            }

            var outcome = await TryUpdate(current, changes);
            if (outcome.Status != WriteStatus.VersionMismatch)
            {
                return outcome;
            }

            // The row changed outside this activation (or vanished): forget memory, load the truth.
            Row.Forget();
            if (expectedVersion is not null || attempt > 0)
            {
                return outcome;
            }
        }
    }

    /// <returns>The result; a version mismatch when the row no longer has the version memory holds.</returns>
    private Task<WriteResult<UserProfile>> TryUpdate(UserProfile current, ProfileChanges changes)
    {
        var now = Time.Now(clock);
        var updated = OutboxEntry.For(new UserProfileUpdated(Guid.CreateVersion7(), Id, current.Version + 1, now));
        return writes.RunAsync(new GrainWrite<UserProfile?, WriteResult<UserProfile>>
        {
            Operation = "user.update",
            Holders = Row.Holders,
            Statement = async (connection, ct) =>
            {
                await using var command = Sql.Command(connection, UserSql.Update,
                    Sql.Value("id", Id), Sql.Value("expected_version", current.Version), Sql.Text("handle", changes.Handle),
                    Sql.Text("email", changes.Email), Sql.Text("display_name", changes.DisplayName), Sql.Text("bio", changes.Bio),
                    Sql.Value("now", now));
                updated.AddParameters(command.Parameters);
                await using var reader = await command.ExecuteReaderAsync(ct);
                return await reader.ReadAsync(ct) ? UserSql.Read(reader) : null;
            },
            Announces = true,
            Refusal = Conflict<UserProfile>,
            Unknown = () =>
            {
                Row.Suspect();
                return copies.ForgetAuthorEverywhereAsync(Id);
            },
            Apply = committed =>
            {
                if (committed is null)
                {
                    return WriteResult.Refused<UserProfile>(WriteStatus.VersionMismatch, ErrorCodes.VersionMismatch);
                }

                // Counter notices interleave with this call: keep whichever snapshot is newest now.
                var held = Row.TryGet(out var latest) && latest is not null ? latest.Counters : current.Counters;
                var profile = KeepNewestCounters(committed, held);
                Row.Set(profile);
                return WriteResult.Ok(profile);
            },
            // Memory holds the edit first, so a silo asking again after forgetting gets the new name; and
            // before the edit is acknowledged, so no page assembled after it shows the old one.
            Announce = committed => committed is null ? Task.CompletedTask : copies.ForgetAuthorEverywhereAsync(Id),
        });
    }

    public ValueTask<WriteResult<UserCounters>> Follow(Guid targetId) => ChangeFollow(targetId, follow: true);

    public ValueTask<WriteResult<UserCounters>> Unfollow(Guid targetId) => ChangeFollow(targetId, follow: false);

    private async ValueTask<WriteResult<UserCounters>> ChangeFollow(Guid targetId, bool follow)
    {
        if (targetId == Id)
        {
            return WriteResult.Refused<UserCounters>(WriteStatus.Invalid, ErrorCodes.CannotFollowSelf);
        }

        if (await Row.CurrentAsync() is not { } me)
        {
            return WriteResult.Refused<UserCounters>(WriteStatus.NotFound, ErrorCodes.UserNotFound);
        }

        var now = Time.Now(clock);
        return await writes.RunAsync(new GrainWrite<FollowChange, WriteResult<UserCounters>>
        {
            Operation = follow ? "user.follow" : "user.unfollow",
            Holders = Row.Holders,
            Statement = async (connection, ct) =>
            {
                await using var command = follow
                    ? Sql.Command(connection, FollowSql.Follow, Sql.Value(Id), Sql.Value(targetId), Sql.Value(now))
                    : Sql.Command(connection, FollowSql.Unfollow, Sql.Value(Id), Sql.Value(targetId));
                return await FollowSql.ReadAsync(command, ct);
            },
            Unknown = async () =>
            {
                Row.Suspect();
                await GrainFactory.MayHaveChangedAsync(targetId, logger);
                await GrainFactory.FollowsChangedAsync(Id, logger);
            },
            Apply = change =>
            {
                if (!change.TargetExists)
                {
                    return WriteResult.Refused<UserCounters>(WriteStatus.NotFound, ErrorCodes.UserNotFound);
                }

                if (change.Follower is { } mine)
                {
                    KeepNewer(mine);
                }

                return WriteResult.Ok(Row.TryGet(out var current) && current is not null ? current.Counters : me.Counters);
            },
            Announce = async change =>
            {
                if (change.Follower is not null)
                {
                    await GrainFactory.FollowsChangedAsync(Id, logger);
                }

                if (change.Followee is { } theirs)
                {
                    await GrainFactory.CountersChangedAsync(targetId, theirs, logger);
                }
            },
        });
    }

    public async ValueTask<WriteResult<Post>> CreatePost(Guid postId, string body, IdempotencyKey? idempotency)
    {
        if (Row.TryGet(out var known) && known is null)
        {
            return WriteResult.Refused<Post>(WriteStatus.NotFound, ErrorCodes.AuthorNotFound);
        }

        var now = Time.Now(clock);
        var created = OutboxEntry.For(new PostCreated(Guid.CreateVersion7(), postId, Id, now));
        return await writes.RunAsync(new GrainWrite<UserCounters?, WriteResult<Post>>
        {
            Operation = "post.create",
            Grouped = new(() =>
            {
                var command = new NpgsqlBatchCommand(PostSql.Insert)
                {
                    Parameters = { Sql.Value("id", postId), Sql.Value("author_id", Id), Sql.Value("body", body), Sql.Value("now", now) },
                };
                created.AddParameters(command.Parameters);
                command.Parameters.AddRange(IdempotencySql.Parameters(idempotency));
                return command;
            }, UserSql.ReadCountersAsync),
            Announces = true,
            Refusal = ex => Database.IsUniqueViolation(ex, out var constraint)
                ? WriteResult.Refused<Post>(WriteStatus.Conflict,
                    constraint == IdempotencySql.Constraint ? ErrorCodes.IdempotencyKeyInUse : ErrorCodes.PostExists)
                : null,
            // The post count may have moved: reload it on next use.
            Unknown = () =>
            {
                Row.Suspect();
                return Task.CompletedTask;
            },
            Holders = Row.Holders,
            Apply = counters =>
            {
                if (counters is null)
                {
                    // No such user: an id anyone may send keeps no activation.
                    DeactivateOnIdle();
                    return WriteResult.Refused<Post>(WriteStatus.NotFound, ErrorCodes.AuthorNotFound);
                }

                KeepNewer(counters);
                return WriteResult.Created(new Post(postId, Id, body, now, LikeCount: 0, Version: 1));
            },
        });
    }

    public async ValueTask CountersChanged(UserCounters counters)
    {
        if (KeepNewer(counters))
        {
            await Row.Holders.RevokeAsync();
        }
    }

    // Counter snapshots may arrive in any order: keep the newest by sequence.
    private bool KeepNewer(UserCounters counters)
    {
        if (Row.TryGet(out var profile) && profile is not null && counters.Sequence > profile.Counters.Sequence)
        {
            Row.Set(profile with { Counters = counters });
            return true;
        }

        return false;
    }

    public async ValueTask Invalidate()
    {
        Row.Suspect();
        await Row.Holders.RevokeAsync();
    }

    private static UserProfile KeepNewestCounters(UserProfile fromRow, UserCounters inMemory) =>
        inMemory.Sequence > fromRow.Counters.Sequence ? fromRow with { Counters = inMemory } : fromRow;

    private static WriteResult<T>? Conflict<T>(PostgresException ex) =>
        Database.IsUniqueViolation(ex, out var constraint)
            ? WriteResult.Refused<T>(WriteStatus.Conflict, constraint switch
            {
                UserSql.EmailConstraint => ErrorCodes.EmailTaken,
                UserSql.HandleConstraint => ErrorCodes.HandleTaken,
                IdempotencySql.Constraint => ErrorCodes.IdempotencyKeyInUse,
                _ => ErrorCodes.UserExists,
            })
            : null;

    [LoggerMessage(Level = LogLevel.Information, Message = "Sign-up {UserId} requested; the account waits for its address to be confirmed")]
    private static partial void LogSignUpRequested(ILogger logger, Guid userId);

    [LoggerMessage(Level = LogLevel.Information, Message = "User {UserId} signed up")]
    private static partial void LogSignedUp(ILogger logger, Guid userId);
}
