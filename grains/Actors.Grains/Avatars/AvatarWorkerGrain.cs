using Actors.Grains.Abstractions.Avatars;
using Actors.Grains.Data;
using Orleans.Concurrency;

namespace Actors.Grains.Avatars;

/// <inheritdoc cref="IAvatarWorkerGrain"/>
[StatelessWorker]
public sealed class AvatarWorkerGrain(Database database, TimeProvider clock) : Grain, IAvatarWorkerGrain
{
    public async Task Process(Guid userId, long version)
    {
        var original = await database.ReadAsync("avatar.original", async (connection, ct) =>
        {
            await using var command = Sql.Command(connection, AvatarSql.Original, Sql.Value(userId), Sql.Value(version));
            return await command.ExecuteScalarAsync(ct) as byte[];
        });
        if (original is null)
        {
            return; // done already, or replaced by a newer upload
        }

        // CPU-bound: off the grain's scheduler thread, so other grains on this silo keep being served.
        Dictionary<int, byte[]>? thumbnails = null;
        string? reason = null;
        try
        {
            thumbnails = await Task.Run(() => AvatarImages.Thumbnails(original));
        }
        catch (InvalidDataException ex)
        {
            reason = ex.Message;
        }

        var now = Time.Now(clock);
        await database.WriteAsync("avatar.processed", async (connection, ct) =>
        {
            await using var command = thumbnails is not null
                ? Sql.Command(connection, AvatarSql.Ready, Sql.Value(userId), Sql.Value(version), Sql.Value(thumbnails[64]), Sql.Value(thumbnails[256]), Sql.Value(now))
                : Sql.Command(connection, AvatarSql.Rejected, Sql.Value(userId), Sql.Value(version), Sql.Value(reason!), Sql.Value(now));
            return await command.ExecuteNonQueryAsync(ct);
        });
        await GrainFactory.GetGrain<IAvatarGrain>(userId).Invalidate();
    }
}
