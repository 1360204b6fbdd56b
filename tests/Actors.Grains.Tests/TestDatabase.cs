namespace Actors.Grains.Tests;

/// <summary>The real PostgreSQL the tests run against (tests/run.sh creates and migrates it).</summary>
internal static class TestDatabase
{
    public static string ConnectionString =>
        Environment.GetEnvironmentVariable("ACTORS_TEST_POSTGRES") is { Length: > 0 } value
            ? value
            : throw new InvalidOperationException("ACTORS_TEST_POSTGRES is not set: run the tests through tests/run.sh.");
}
