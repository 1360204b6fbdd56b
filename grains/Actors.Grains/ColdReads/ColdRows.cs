using Actors.Grains.Abstractions.Posts;
using Actors.Grains.Abstractions.Users;
using Actors.Grains.Data;
using Actors.Grains.Posts;
using Actors.Grains.Users;
using Npgsql;

namespace Actors.Grains.ColdReads;

/// <summary>
/// Rows read for callers that hold no activation of their entity. A silo's concurrent cold reads of one
/// kind share one <c>= ANY($1)</c> query: those that arrive while a query is in flight go into the next.
/// </summary>
public sealed class ColdRows
{
    private const int BatchLimit = 256;

    private readonly StatementBatcher<Guid, UserProfile?> _profiles;
    private readonly StatementBatcher<Guid, Post?> _posts;

    public ColdRows(Database database)
    {
        _profiles = new(ids => ReadAsync(database, "user.cold", UserSql.ByIds, UserSql.Read, row => row.Id, ids), TimeSpan.Zero, BatchLimit);
        _posts = new(ids => ReadAsync(database, "post.cold", PostSql.ByIds, PostSql.Read, row => row.Id, ids), TimeSpan.Zero, BatchLimit);
    }

    public Task<UserProfile?> ProfileAsync(Guid id) => _profiles.RunAsync(id);

    public Task<Post?> PostAsync(Guid id) => _posts.RunAsync(id);

    private static Task<IReadOnlyList<T?>> ReadAsync<T>(
        Database database, string operation, string sql, Func<NpgsqlDataReader, T> read, Func<T, Guid> idOf, IReadOnlyList<Guid> ids)
        where T : class =>
        database.ReadAsync<IReadOnlyList<T?>>(operation, async (connection, ct) =>
        {
            var rows = await Sql.ReadAllAsync(Sql.Command(connection, sql, Sql.Value(ids.Distinct().ToArray())), read, ct).ConfigureAwait(false);
            var byId = rows.ToDictionary(idOf);
            return ids.Select(id => byId.GetValueOrDefault(id)).ToList();
        });
}
