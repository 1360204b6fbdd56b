namespace Actors.Stack.Tests;

[CollectionDefinition(Name)]
public sealed class TightLimitsGroup : ICollectionFixture<TightLimitsFixture>
{
    public const string Name = "tight-limits";
}
