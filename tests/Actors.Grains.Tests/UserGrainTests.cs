using Actors.Grains.Abstractions;
using Actors.Grains.Abstractions.Users;
using Actors.Testing;

namespace Actors.Grains.Tests;

[Collection(SharedCluster.Name)]
public sealed class UserGrainTests(ClusterFixture fixture)
{
    private const string RowSql = """
        SELECT handle, email, display_name, bio, created_at, updated_at, version, follower_count, following_count, post_count
        FROM users WHERE id = $1
        """;

    [Fact]
    public async Task Sign_up_returns_the_profile_exactly_as_the_row_stores_it()
    {
        var id = Fresh.Id();
        var result = await fixture.Grains.GetGrain<IUserGrain>(id).SignUpAsync(Fresh.User());

        Assert.Equal(WriteStatus.Created, result.Status);
        var fromGrain = await fixture.Grains.GetGrain<IUserGrain>(id).GetProfile();
        Assert.Equal(result.Value, fromGrain);
        Assert.Equal(fromGrain, await ReadRow(id));
    }

    [Fact]
    public async Task Sign_up_queues_a_UserSignedUp_event_in_the_outbox()
    {
        var id = Fresh.Id();
        var user = Fresh.User();
        await fixture.Grains.GetGrain<IUserGrain>(id).SignUpAsync(user);

        var email = await Rows.ScalarAsync<string>(fixture.Db,
            "SELECT payload->>'email' FROM outbox WHERE aggregate_id = $1 AND event_type = 'UserSignedUp'", id);
        Assert.Equal(user.Email, email);
    }

    [Fact]
    public async Task Reads_of_an_active_user_are_answered_from_memory_not_the_database()
    {
        var id = Fresh.Id();
        var grain = fixture.Grains.GetGrain<IUserGrain>(id);
        var created = (await grain.SignUpAsync(Fresh.User())).Value!;

        // Change the row behind the grain's back: an active grain must not notice...
        await Rows.ExecuteAsync(fixture.Db, "UPDATE users SET display_name = 'changed in SQL' WHERE id = $1", id);
        Assert.Equal(created.DisplayName, (await grain.GetProfile())!.DisplayName);

        // ...and a new activation loads the row.
        await fixture.Cluster.DeactivateAsync(grain);
        Assert.Equal("changed in SQL", (await grain.GetProfile())!.DisplayName);
    }

    [Fact]
    public async Task Reading_an_unknown_user_returns_null()
    {
        Assert.Null(await fixture.Grains.GetGrain<IUserGrain>(Fresh.Id()).GetProfile());
    }

    [Fact]
    public async Task An_update_the_database_refuses_leaves_memory_and_row_unchanged()
    {
        var taken = Fresh.User();
        await fixture.Grains.GetGrain<IUserGrain>(Fresh.Id()).SignUpAsync(taken);
        var id = Fresh.Id();
        var grain = fixture.Grains.GetGrain<IUserGrain>(id);
        var before = (await grain.SignUpAsync(Fresh.User())).Value!;

        var result = await grain.Update(new ProfileChanges(null, taken.Email, "New Name", "new bio"), before.Version);

        Assert.Equal(WriteStatus.Conflict, result.Status);
        Assert.Equal(ErrorCodes.EmailTaken, result.ErrorCode);
        Assert.Equal(before, await grain.GetProfile());
        Assert.Equal(before, await ReadRow(id));
    }

    [Fact]
    public async Task An_update_commits_bumps_the_version_and_memory_matches_the_row()
    {
        var id = Fresh.Id();
        var grain = fixture.Grains.GetGrain<IUserGrain>(id);
        var before = (await grain.SignUpAsync(Fresh.User())).Value!;

        var result = await grain.Update(new ProfileChanges(null, null, "Renamed", "Hello there"), before.Version);

        Assert.Equal(WriteStatus.Ok, result.Status);
        Assert.Equal(before.Version + 1, result.Value!.Version);
        Assert.Equal(("Renamed", "Hello there", before.Email), (result.Value.DisplayName, result.Value.Bio, result.Value.Email));
        Assert.Equal(result.Value, await grain.GetProfile());
        Assert.Equal(result.Value, await ReadRow(id));
        Assert.Equal(1L, await Rows.ScalarAsync<long>(fixture.Db,
            "SELECT count(*) FROM outbox WHERE aggregate_id = $1 AND event_type = 'UserProfileUpdated'", id));
    }

    [Fact]
    public async Task An_update_with_a_stale_version_is_refused_and_changes_nothing()
    {
        var id = Fresh.Id();
        var grain = fixture.Grains.GetGrain<IUserGrain>(id);
        var created = (await grain.SignUpAsync(Fresh.User())).Value!;
        var edited = (await grain.Update(new ProfileChanges(null, null, "First edit", null), created.Version)).Value!;

        var stale = await grain.Update(new ProfileChanges(null, null, "Lost edit", null), created.Version);

        Assert.Equal(WriteStatus.VersionMismatch, stale.Status);
        Assert.Equal(edited, await grain.GetProfile());
        Assert.Equal(edited, await ReadRow(id));
    }

    [Fact]
    public async Task A_row_changed_outside_the_grain_refuses_an_if_match_edit_but_an_unconditional_edit_applies_to_the_new_row()
    {
        var id = Fresh.Id();
        var grain = fixture.Grains.GetGrain<IUserGrain>(id);
        var created = (await grain.SignUpAsync(Fresh.User())).Value!;
        await Rows.ExecuteAsync(fixture.Db, "UPDATE users SET bio = 'elsewhere', version = version + 1 WHERE id = $1", id);

        var conditional = await grain.Update(new ProfileChanges(null, null, "Mine", null), created.Version);
        Assert.Equal(WriteStatus.VersionMismatch, conditional.Status);

        var unconditional = await grain.Update(new ProfileChanges(null, null, "Mine", null), null);
        Assert.Equal(WriteStatus.Ok, unconditional.Status);
        Assert.Equal(("elsewhere", "Mine", created.Version + 2), (unconditional.Value!.Bio, unconditional.Value.DisplayName, unconditional.Value.Version));
        Assert.Equal(unconditional.Value, await ReadRow(id));
    }

    [Fact]
    public async Task A_counter_notice_older_than_what_the_grain_holds_is_ignored()
    {
        var id = Fresh.Id();
        var grain = fixture.Grains.GetGrain<IUserGrain>(id);
        await grain.SignUpAsync(Fresh.User());

        await grain.CountersChanged(new UserCounters(5, 6, 7, Sequence: 10));
        await grain.CountersChanged(new UserCounters(1, 1, 1, Sequence: 9));

        Assert.Equal(new UserCounters(5, 6, 7, 10), (await grain.GetProfile())!.Counters);
    }

    [Fact]
    public async Task Invalidate_makes_the_next_read_load_the_row()
    {
        var id = Fresh.Id();
        var grain = fixture.Grains.GetGrain<IUserGrain>(id);
        await grain.SignUpAsync(Fresh.User());
        await Rows.ExecuteAsync(fixture.Db, "UPDATE users SET bio = 'from the row' WHERE id = $1", id);

        await grain.Invalidate();

        Assert.Equal("from the row", (await grain.GetProfile())!.Bio);
    }

    private async Task<UserProfile?> ReadRow(Guid id)
    {
        await using var command = fixture.Db.CreateCommand(RowSql);
        command.Parameters.AddWithValue(id);
        await using var reader = await command.ExecuteReaderAsync();
        if (!await reader.ReadAsync())
        {
            return null;
        }

        var stats = await Rows.ScalarAsync<long>(fixture.Db, "SELECT stats_version FROM users WHERE id = $1", id);
        return new UserProfile(id, reader.GetString(0), reader.GetString(1), reader.GetString(2), reader.GetString(3),
            reader.GetFieldValue<DateTimeOffset>(4), reader.GetFieldValue<DateTimeOffset>(5), reader.GetInt64(6),
            new UserCounters(reader.GetInt32(7), reader.GetInt32(8), reader.GetInt32(9), stats));
    }
}
