namespace GridReliability;

public sealed record Component(string Name, double FailureRatePerYear, double RepairHours);

public sealed record Feeder(string Name, IReadOnlyList<Component> Series);
