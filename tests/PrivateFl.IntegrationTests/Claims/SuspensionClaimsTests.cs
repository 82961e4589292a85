using PrivateFl.ClientSdk;
using PrivateFl.IntegrationTests.Faults;
using PrivateFl.Protocol.V1;
using SecAggMode = PrivateFl.Protocol.V1.SecAggMode;

namespace PrivateFl.IntegrationTests.Claims;

/// <summary>
/// SECURITY.md "Corrupted banks": "a bank proven guilty RoundOptions.SuspendAfterMisbehaviours times (default 3) is
/// suspended, refused like a revoked bank and reported (log event ClientSuspended, ListClients)"; protocol.md §2.8
/// "logged (ClientSuspended, event 108; each violation ProtocolViolationProven, event 107)". The round record and the
/// refusal are MisbehavingBankTests; this test reads the operator's report in the server log.
/// </summary>
public sealed class SuspensionClaimsTests
{
    [Fact]
    public async Task TrainAsync_BankDealsGarbageThreeTimes_EachViolationAndTheSuspensionAreLoggedOnce()
    {
        await using CapturingServer server = await CapturingServer.StartAsync();
        string[] ids = [.. Enumerable.Range(1, 5).Select(i => $"bank-{i}")];
        await server.EnrollAllAsync(ids);
        await server.Admin.CreateSessionAsync(
            InProcessServer.CreditSessionRequest(
                "garbage",
                ids.Length,
                3,
                new TrainingPlan { Rule = AggregationRule.FederatedAveraging, LocalEpochs = 2, LearningRate = 0.5, BatchSize = 10_000, ClipNorm = 5, QuantizationScale = 1 << 16, ServerLearningRate = 1, SamplingRate = 1 },
                new PrivacySettings { Mode = DpMode.None },
                SecAggMode.Active),
            CapturingServer.AdminCall());
        (IReadOnlyList<CreditDataset> banks, _) = CreditData.Split(ids.Length);
        FederatedClient[] clients = [.. ids.Take(4).Select(server.Client), server.FaultyClient(ids[4], GarbageShares.Dealt(server.Identity(ids[4])))];
        try
        {
            Task<TrainingReport>[] training = [.. clients.Select((c, i) => c.TrainAsync("garbage", banks[i]))];
            TrainingReport[] honest = await Task.WhenAll(training[..4]).WaitAsync(TimeSpan.FromMinutes(3));
            await Record.ExceptionAsync(() => training[4].WaitAsync(TimeSpan.FromMinutes(3)));
            Assert.All(honest, r => Assert.Equal(3, r.RoundsParticipated));
        }
        finally
        {
            foreach (FederatedClient client in clients)
            {
                client.Dispose();
            }
        }

        string[] lines = [.. server.Logs.Lines];
        string[] proven = [.. lines.Where(l => l.Contains(" ProtocolViolationProven: ", StringComparison.Ordinal))];
        string suspended = Assert.Single(lines, l => l.Contains(" ClientSuspended: ", StringComparison.Ordinal));
        Assert.Equal(3, proven.Length);
        Assert.All(proven, l => Assert.Contains("ClientId=bank-5 ", l, StringComparison.Ordinal));
        Assert.Equal(["Count=1", "Count=2", "Count=3"], proven.Select(l => l.Split(' ').Single(w => w.StartsWith("Count=", StringComparison.Ordinal))).Order());
        Assert.Contains("ClientId=bank-5 ", suspended, StringComparison.Ordinal);
        Assert.Contains("Warning", suspended, StringComparison.Ordinal);
    }
}
