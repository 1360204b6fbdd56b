using Actors.Grains.Abstractions;
using Orleans.Concurrency;

namespace Actors.Grains.Data;

/// <summary>One indexed read per lookup (the primary key, scope and key).</summary>
[StatelessWorker]
public sealed class IdempotencyKeysGrain(Database database) : Grain, IIdempotencyKeysGrain
{

    public async ValueTask<IdempotentRequest?> Find(string scope, string key) =>
        await database.ReadAsync("idempotency.find", async (connection, ct) =>
        {
            await using var command = Sql.Command(connection, IdempotencySql.ByKey, Sql.Value(scope), Sql.Value(key));
            await using var reader = await command.ExecuteReaderAsync(ct);
            return await reader.ReadAsync(ct)
                ? new IdempotentRequest(reader.GetFieldValue<byte[]>(0), reader.GetGuid(1))
                : null;
        });
}
