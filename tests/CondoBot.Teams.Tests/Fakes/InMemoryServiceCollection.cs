namespace CondoBot.Teams.Tests.Fakes;

/// <summary>
/// Test classes that run the service in this process (<see cref="TeamsApp"/>) take turns: Hangfire keeps its log
/// provider in a static, so a host disposed by one class would break job creation in another running beside it.
/// </summary>
[CollectionDefinition(nameof(InMemoryServiceCollection))]
public sealed class InMemoryServiceCollection;
