using Npgsql;
using NpgsqlTypes;

namespace Actors.Grains.Data;

/// <summary>Small helpers for positional-parameter commands.</summary>
internal static class Sql
{
    public static NpgsqlCommand Command(NpgsqlConnection connection, string text, params NpgsqlParameter[] parameters)
    {
        var command = new NpgsqlCommand(text, connection);
        command.Parameters.AddRange(parameters);
        return command;
    }

    public static NpgsqlParameter<T> Value<T>(T value) => new() { TypedValue = value };

    /// <summary>A text parameter that may be null (positional parameters need their type spelled out).</summary>
    public static NpgsqlParameter Text(string? value) =>
        new() { NpgsqlDbType = NpgsqlDbType.Text, Value = (object?)value ?? DBNull.Value };
}
