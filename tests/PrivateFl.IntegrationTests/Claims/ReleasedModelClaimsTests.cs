using System.Text.Json;
using Microsoft.Data.Sqlite;
using PrivateFl.ClientSdk;
using PrivateFl.Crypto.Privacy;
using PrivateFl.Protocol.V1;

namespace PrivateFl.IntegrationTests.Claims;

/// <summary>
/// What a released model carries and that it cannot be changed afterwards: privacy.md §1 ("NONE trains without DP: ε is
/// recorded as 0 with mode None") and §5 ("Everything the accountant uses is public and recorded with each model
/// version"), api.md "Storage" and SECURITY.md "What the server stores" ("Model versions are immutable (triggers refuse
/// UPDATE and DELETE)").
/// </summary>
public sealed class ReleasedModelClaimsTests
{
    private static readonly TimeSpan Limit = TimeSpan.FromMinutes(3);

    [Fact]
    public async Task ReleasedModels_NoneAndRecordLevel_CarryEveryAccountedParameterAndCannotBeUpdatedOrDeleted()
    {
        await using InProcessServer server = await InProcessServer.StartAsync();
        string[] ids = ["bank-1", "bank-2", "bank-3"];
        await server.EnrollAllAsync(ids);
        (IReadOnlyList<CreditDataset> banks, _) = CreditData.Split(ids.Length);
        await server.CreateCreditSessionAsync("plain", ids.Length, 1);
        SessionInfo dp = await server.CreateDpSessionAsync("private", ids.Length, 1, epsilonBudget: 10, noiseMultiplier: 3);
        var clients = ids.Select(id => server.Client(id)).ToList();
        try
        {
            await Task.WhenAll(clients.Select((c, i) => c.TrainAsync("plain", banks[i]))).WaitAsync(Limit);
            await Task.WhenAll(clients.Select((c, i) => c.TrainAsync("private", banks[i]))).WaitAsync(Limit);

            GlobalModel plain = await clients[0].GetGlobalModelAsync("plain");
            Assert.Equal((1L, 0.0), (plain.Version, plain.EpsilonSpent));
            using (JsonDocument plainParameters = JsonDocument.Parse(plain.PrivacyParametersJson))
            {
                Assert.Equal("None", plainParameters.RootElement.GetProperty("mode").GetString());
                Assert.Equal(0.0, plainParameters.RootElement.GetProperty("epsilon").GetDouble());
            }

            GlobalModel released = await clients[0].GetGlobalModelAsync("private");
            RoundRecord round = Assert.Single((await server.Admin.ListRoundsAsync(new ListRoundsRequest { SessionId = "private" }, InProcessServer.AdminCall())).Rounds);
            TrainingPlan plan = dp.Training;
            int d = (int)dp.ModelLength;
            double sensitivity = (plan.QuantizationScale * plan.ClipNorm) + (2 * Math.Sqrt(d));
            int m = Math.Max((int)round.Threshold, (int)Math.Floor((1 - dp.SecAgg.DropoutRate) * ids.Length));
            using JsonDocument parameters = JsonDocument.Parse(released.PrivacyParametersJson);
            JsonElement p = parameters.RootElement;
            Assert.Equal("RecordLevel", p.GetProperty("mode").GetString());
            Assert.Equal(released.EpsilonSpent, p.GetProperty("epsilon").GetDouble());
            Assert.True(released.EpsilonSpent > 0);
            Assert.Equal((1e-5, 10.0, 3.0, 1.0, 1), (p.GetProperty("delta").GetDouble(), p.GetProperty("epsilonBudget").GetDouble(), p.GetProperty("noiseMultiplier").GetDouble(), p.GetProperty("samplingRate").GetDouble(), p.GetProperty("releasedRounds").GetInt32()));
            Assert.Equal((plan.ClipNorm, plan.QuantizationScale, (int)round.Threshold), (p.GetProperty("clipNorm").GetDouble(), p.GetProperty("quantizationScale").GetDouble(), p.GetProperty("threshold").GetInt32()));
            Assert.Equal(sensitivity, p.GetProperty("sensitivity").GetDouble(), 9);
            Assert.Equal(3 * sensitivity / Math.Sqrt(m), p.GetProperty("clientNoiseSigma").GetDouble(), 6);
            Assert.InRange(p.GetProperty("discretenessTau").GetDouble(), 0, 1e-50);
            Assert.Equal(DdgAccountant.Name, p.GetProperty("accountant").GetString());
        }
        finally
        {
            foreach (FederatedClient client in clients)
            {
                client.Dispose();
            }
        }

        using var connection = new SqliteConnection($"Data Source={server.DatabasePath};Pooling=False");
        connection.Open();
        foreach (string statement in new[] { "UPDATE model_versions SET epsilon_spent = 0, weights = x'00' WHERE session_id = 'private';", "DELETE FROM model_versions WHERE session_id = 'plain';" })
        {
            using SqliteCommand command = connection.CreateCommand();
            command.CommandText = statement;
            var ex = Assert.Throws<SqliteException>(() => command.ExecuteNonQuery());
            Assert.Contains("immutable", ex.Message, StringComparison.Ordinal);
        }

        using SqliteCommand count = connection.CreateCommand();
        count.CommandText = "SELECT COUNT(*) FROM model_versions WHERE epsilon_spent > 0;";
        Assert.Equal(1L, (long)count.ExecuteScalar()!);
    }
}
