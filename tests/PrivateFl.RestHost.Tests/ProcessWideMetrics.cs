namespace PrivateFl.RestHost.Tests;

/// <summary>
/// Tests that read a host's Prometheus scrape run alone: OpenTelemetry listens to every meter of the host's name in the
/// process, so a REST host of another test running at the same time adds its predictions and jobs to the counts.
/// </summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class ProcessWideMetrics
{
    public const string Name = "Process-wide metrics";
}
