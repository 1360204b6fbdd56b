using System.Security.Cryptography;
using Actors.Grains.Abstractions.Users;
using Actors.Grains.Data;
using Orleans.Concurrency;

namespace Actors.Grains.Users;

/// <summary>Stateless and replicated per silo: each call is one indexed read (lower(email) is unique).</summary>
[StatelessWorker]
public sealed class CredentialsGrain(Database database) : Grain, ICredentialsGrain
{
    public async ValueTask<PasswordParameters?> GetParameters(string email) =>
        await Find(email) is { Stored: var stored } ? new PasswordParameters(stored.Iterations, stored.Salt, stored.Hash.Length) : null;

    public async ValueTask<Guid?> Verify(string email, byte[] derivedKey, string? replacement)
    {
        if (await Find(email) is not var (id, stored, text) || !CryptographicOperations.FixedTimeEquals(derivedKey, stored.Hash))
        {
            return null;
        }

        if (StoredPassword.TryParse(replacement, out var better) && better.Iterations > stored.Iterations)
        {
            await database.WriteAsync("users.password-upgrade", (connection, ct) =>
                Sql.ExecuteAsync(Sql.Command(connection, UserSql.UpgradePassword, Sql.Value(id), Sql.Value(replacement), Sql.Value(text)), ct));
        }

        return id;
    }

    private async Task<(Guid Id, StoredPassword Stored, string Text)?> Find(string email) =>
        await database.ReadAsync("users.credentials", async (connection, ct) =>
        {
            await using var command = Sql.Command(connection, UserSql.CredentialsByEmail, Sql.Value(email));
            await using var reader = await command.ExecuteReaderAsync(ct);
            if (!await reader.ReadAsync(ct))
            {
                return ((Guid, StoredPassword, string)?)null;
            }

            var text = reader.GetString(1);
            return StoredPassword.TryParse(text, out var stored) ? (reader.GetGuid(0), stored, text) : null;
        });
}
