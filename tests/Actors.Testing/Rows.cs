using Npgsql;

namespace Actors.Testing;

/// <summary>Reads rows straight from a stack's PostgreSQL, as a test or the benchmark checks what the product stored.</summary>
public static class Rows
{
    /// <summary>The first column of the first row as <typeparamref name="T"/>; the default when there is no row or it is NULL.</summary>
    public static async Task<T?> ScalarAsync<T>(NpgsqlDataSource db, string sql, params object[] args)
    {
        await using var command = Command(db, sql, args);
        return await command.ExecuteScalarAsync() switch
        {
            null or DBNull => default,
            T typed => typed,
            var other => (T)Convert.ChangeType(other, typeof(T), System.Globalization.CultureInfo.InvariantCulture),
        };
    }

    /// <summary>Runs a statement; answers the number of rows it changed.</summary>
    public static async Task<int> ExecuteAsync(NpgsqlDataSource db, string sql, params object[] args)
    {
        await using var command = Command(db, sql, args);
        return await command.ExecuteNonQueryAsync();
    }

    /// <summary>The first column of every row.</summary>
    public static async Task<List<T>> ListAsync<T>(NpgsqlDataSource db, string sql, params object[] args)
    {
        await using var command = Command(db, sql, args);
        await using var reader = await command.ExecuteReaderAsync();
        var values = new List<T>();
        while (await reader.ReadAsync())
        {
            values.Add(reader.GetFieldValue<T>(0));
        }

        return values;
    }

    /// <summary>A command with positional parameters ($1, $2 ...) bound to <paramref name="args"/>.</summary>
    private static NpgsqlCommand Command(NpgsqlDataSource db, string sql, object[] args)
    {
        var command = db.CreateCommand(sql);
        foreach (var arg in args)
        {
            command.Parameters.AddWithValue(arg);
        }

        return command;
    }
}
