using Actors.Grains.Abstractions.Posts;
using Actors.Grains.Abstractions.Users;
using Actors.Grains.Data;
using Actors.Grains.Posts;
using Actors.Grains.Users;
using Npgsql;

namespace Actors.Grains.ColdReads;

/// <summary>Rows read for callers that hold no activation of their entities: one <c>= ANY($1)</c> query per call.</summary>
public sealed class ColdRows(Database database)
{
    /// <summary>Most ids one call may ask for.</summary>
    public const int Limit = 1_024;

    public Task<UserProfile?[]> ProfilesAsync(Guid[] ids) => ReadAsync("user.cold", UserSql.ByIds, UserSql.Read, row => row.Id, ids);

    public Task<Post?[]> PostsAsync(Guid[] ids) => ReadAsync("post.cold", PostSql.ByIds, PostSql.Read, row => row.Id, ids);

    private Task<T?[]> ReadAsync<T>(string operation, string sql, Func<NpgsqlDataReader, T> read, Func<T, Guid> idOf, Guid[] ids)
        where T : class
    {
        ArgumentOutOfRangeException.ThrowIfGreaterThan(ids.Length, Limit, nameof(ids));
        return database.ReadAsync(operation, async (connection, ct) =>
        {
            var rows = await Sql.ReadAllAsync(Sql.Command(connection, sql, Sql.Value(ids.Distinct().ToArray())), read, ct).ConfigureAwait(false);
            var byId = rows.ToDictionary(idOf);
            return Array.ConvertAll(ids, id => byId.GetValueOrDefault(id));
        });
    }
}
