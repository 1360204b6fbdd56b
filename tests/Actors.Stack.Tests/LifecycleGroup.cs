namespace Actors.Stack.Tests;

/// <summary>Tests that start, add and stop processes under load, one at a time and alone.</summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class LifecycleGroup
{
    public const string Name = "lifecycle";
}
