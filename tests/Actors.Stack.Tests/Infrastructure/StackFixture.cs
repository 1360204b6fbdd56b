namespace Actors.Stack.Tests.Infrastructure;

/// <summary>One two-silo stack shared by the tests of the "stack" collection, which run one at a time.</summary>
public sealed class StackFixture : IAsyncLifetime
{
    private Deployment? _stack;

    internal Deployment Stack => _stack ?? throw new InvalidOperationException("Not started.");

    public async Task InitializeAsync() => _stack = await Deployment.StartAsync(silos: 2);

    public async Task DisposeAsync()
    {
        if (_stack is not null)
        {
            await _stack.DisposeAsync();
        }
    }
}

[CollectionDefinition(Name)]
public sealed class StackGroup : ICollectionFixture<StackFixture>
{
    public const string Name = "stack";
}
