namespace PrivateFl.IntegrationTests.Fuzzing;

/// <summary>
/// The service handlers under property-based fuzzing (a few hundred inputs per request type and per round stage;
/// <c>dotnet run -c Release --project bench/PrivateFl.Benchmarks -- fuzz</c> runs the long version).
/// </summary>
public sealed class ServiceFuzzTests
{
    private const int InputsPerType = 200;

    [Fact]
    public async Task AnyRequest_FromAnyCaller_OnlyDocumentedStatusesStateUnchangedAndRoundsStillComplete()
    {
        // Arrange: the fuzzing bank holds each stage open while it sends its inputs, so the deadline is generous.
        await using InProcessServer server = await InProcessServer.StartAsync(stageDeadline: TimeSpan.FromMinutes(2));
        using var fuzzer = new ServiceFuzzer(server.Address, InProcessServer.AdminKey) { Log = Console.Error.WriteLine };
        ulong seed = (ulong)Random.Shared.NextInt64();

        // Act
        FuzzReport report = await fuzzer.RunAsync(InputsPerType, seed, parallelism: 1);

        // Assert: the report names the seed and each failing input, so that a failure can be replayed.
        Assert.True(report.Failures.Count == 0, report.ToString());
        Assert.True(report.Inputs >= 16 * InputsPerType, report.ToString());
    }
}
