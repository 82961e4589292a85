using Grpc.Core;
using PrivateFl.ClientSdk;
using PrivateFl.Protocol.V1;

namespace PrivateFl.IntegrationTests;

/// <summary>
/// A session carries its feature schema: the operator creates it from a schema file, the server validates and stores
/// it, and banks fetch it, check its hash and load their own CSV (with their own header names) against it.
/// </summary>
public sealed class SessionSchemaTests
{
    private static readonly TimeSpan Limit = TimeSpan.FromMinutes(3);

    private static readonly Dictionary<string, string> OwnHeaders = new(StringComparer.Ordinal)
    {
        ["Credit limit"] = "LIMIT_BAL",
        ["Gender"] = "SEX",
        ["Repayment Sep"] = "PAY_0",
        ["Defaulted"] = "default",
    };

    [Fact]
    public async Task CreateSession_FromSchemaFile_StoredCanonicallyAndServedToBanksAcrossARestart()
    {
        await using InProcessServer server = await InProcessServer.StartAsync();
        await server.EnrollAllAsync(["bank-1"]);
        CreateSessionRequest request = TaiwanRequest("taiwan");

        SessionInfo created = await server.Admin.CreateSessionAsync(request, InProcessServer.AdminCall());
        await server.RestartAsync();
        using FederatedClient client = server.Client("bank-1");
        TrainingSessionInfo fetched = await client.GetSessionAsync("taiwan");

        Assert.Equal(("taiwan-credit", CreditSchemas.TaiwanCredit.Hash), (created.SchemaName, created.SchemaHash));
        Assert.Equal(CreditSchemas.TaiwanCredit.ToJson(), created.SchemaJson);
        Assert.Equal(CreditSchemas.TaiwanCredit.ToJson(), fetched.Schema!.ToJson());
        Assert.Equal(CreditSchemas.TaiwanCredit.Hash, fetched.SchemaHash);
    }

    [Fact]
    public async Task TrainAsync_TaiwanBanksWithTheirOwnHeaders_LoadWithTheSessionsSchemaAndTrain()
    {
        await using InProcessServer server = await InProcessServer.StartAsync();
        string[] ids = ["bank-1", "bank-2", "bank-3"];
        await server.EnrollAllAsync(ids);
        await server.Admin.CreateSessionAsync(TaiwanRequest("taiwan"), InProcessServer.AdminCall());
        var clients = ids.Select(id => server.Client(id)).ToList();
        var mapping = new CsvLoadOptions();
        foreach ((string header, string column) in OwnHeaders)
        {
            mapping.ColumnMapping.Add(header, column);
        }

        // Each bank fetches the session's schema and reads its own export, whose headers differ from the schema's.
        var banks = new List<CreditDataset>();
        for (int i = 0; i < ids.Length; i++)
        {
            FeatureSchema schema = (await clients[i].GetSessionAsync("taiwan")).Schema!;
            using var csv = new MemoryStream(System.Text.Encoding.UTF8.GetBytes(OwnExport(skip: i * 400, rows: 400)));
            banks.Add(DatasetLoader.LoadCsv(csv, schema, mapping));
        }

        TrainingReport[] reports = await Task.WhenAll(clients.Select((c, i) => c.TrainAsync("taiwan", banks[i]))).WaitAsync(Limit);

        Assert.All(reports, r => Assert.Equal(2, r.RoundsParticipated));
        Assert.All(reports, r => Assert.Equal(2, r.ModelVersion));
        Assert.All(reports, r => Assert.True(r.LocalRocAuc > 0.6, $"AUC {r.LocalRocAuc:F3}"));
        foreach (FederatedClient client in clients)
        {
            client.Dispose();
        }
    }

    [Fact]
    public async Task TrainAsync_GermanDataInATaiwanSession_SchemaMismatchNamingTheDifference()
    {
        await using InProcessServer server = await InProcessServer.StartAsync();
        await server.EnrollAllAsync(["bank-1"]);
        await server.Admin.CreateSessionAsync(TaiwanRequest("taiwan"), InProcessServer.AdminCall());
        (IReadOnlyList<CreditDataset> german, _) = CreditData.Split(3);
        using FederatedClient client = server.Client("bank-1");

        SchemaMismatchException ex = await Assert.ThrowsAsync<SchemaMismatchException>(() => client.TrainAsync("taiwan", german[0]).WaitAsync(Limit));

        Assert.Contains("The session's schema is 'taiwan-credit' version 1; the data's is 'german-credit' version 2.", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task CreateSession_BadSchemaFields_InvalidArgumentNamingTheField()
    {
        await using InProcessServer server = await InProcessServer.StartAsync();
        CreateSessionRequest broken = TaiwanRequest("a");
        broken.SchemaJson = broken.SchemaJson.Replace("\"vocabulary\": [\"1\", \"2\"]", "\"vocabulary\": [\"1\", \"1\"]", StringComparison.Ordinal);
        CreateSessionRequest otherHash = TaiwanRequest("b");
        otherHash.SchemaHash = CreditSchemas.GermanCredit.Hash;
        CreateSessionRequest otherName = TaiwanRequest("c");
        otherName.SchemaName = "german-credit";
        CreateSessionRequest wrongLength = TaiwanRequest("d");
        wrongLength.ModelLength = (uint)(CreditSchemas.GermanCredit.EncodedLength + 1);
        CreateSessionRequest tooLarge = TaiwanRequest("e");
        tooLarge.SchemaJson += new string(' ', 1 << 20);

        foreach ((CreateSessionRequest request, string field, string description) in new[]
        {
            (broken, "schema_json", "Schema JSON, $.columns[1].vocabulary: The category '1' appears twice in the vocabulary of 'SEX'."),
            (otherHash, "schema_hash", $"must be empty or the SHA-256 of schema_json's canonical form (specs/schema.md), {CreditSchemas.TaiwanCredit.Hash}"),
            (otherName, "schema_name", "must be empty or the name of schema_json, 'taiwan-credit'"),
            (wrongLength, "model_length", $"must be {CreditSchemas.TaiwanCredit.EncodedLength + 1} for a logistic-regression over schema 'taiwan-credit'"),
            (tooLarge, "schema_json", "at most 1048576 are accepted"),
        })
        {
            var ex = await Assert.ThrowsAsync<RpcException>(() => server.Admin.CreateSessionAsync(request, InProcessServer.AdminCall()).ResponseAsync);
            Assert.Equal(StatusCode.InvalidArgument, ex.StatusCode);
            Google.Rpc.BadRequest.Types.FieldViolation violation = Assert.Single(ex.GetRpcStatus()!.GetDetail<Google.Rpc.BadRequest>().FieldViolations);
            Assert.Equal(field, violation.Field);
            Assert.Contains(description, violation.Description, StringComparison.Ordinal);
        }

        Assert.Empty((await server.Admin.ListSessionsAsync(new ListSessionsRequest(), InProcessServer.AdminCall())).Sessions);
    }

    [Fact]
    public async Task CreateSession_BuiltInNameAndHashWithoutSchemaJson_CarriesTheBuiltInSchema()
    {
        await using InProcessServer server = await InProcessServer.StartAsync();

        SessionInfo builtIn = await server.CreateCreditSessionAsync("german", 3, 1);
        CreateSessionRequest byHash = InProcessServer.CreditSessionRequest("by-hash", 3, 1, TaiwanRequest("x").Training, new PrivacySettings { Mode = DpMode.None });
        byHash.SchemaName = "a-schema-the-server-does-not-know";
        SessionInfo hashOnly = await server.Admin.CreateSessionAsync(byHash, InProcessServer.AdminCall());

        Assert.Equal(CreditSchemas.GermanCredit.ToJson(), builtIn.SchemaJson);
        Assert.Equal(string.Empty, hashOnly.SchemaJson);
        Assert.Equal(CreditSchemas.GermanCredit.Hash, hashOnly.SchemaHash);
    }

    [Fact]
    public async Task CreateSession_BuiltInNameWithAnotherHash_KeepsTheHashAndCarriesNoSchema()
    {
        await using InProcessServer server = await InProcessServer.StartAsync();
        CreateSessionRequest request = InProcessServer.CreditSessionRequest("v1", 3, 1, TaiwanRequest("x").Training, new PrivacySettings { Mode = DpMode.None });
        request.SchemaHash = new string('0', 64);

        SessionInfo info = await server.Admin.CreateSessionAsync(request, InProcessServer.AdminCall());

        Assert.Equal((new string('0', 64), string.Empty), (info.SchemaHash, info.SchemaJson));
    }

    /// <summary>A session on the Taiwan schema, created from its schema file alone (no name or hash given).</summary>
    private static CreateSessionRequest TaiwanRequest(string sessionId) => new()
    {
        SessionId = sessionId,
        SchemaJson = File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "data", "schemas", "taiwan-credit.json")),
        ModelLength = (uint)(CreditSchemas.TaiwanCredit.EncodedLength + 1),
        TotalRounds = 2,
        MinimumClients = 3,
        MaximumClients = 3,
        SecAgg = new SecAggSettings { Mode = SecAggMode.SemiHonest, Graph = NeighbourGraphKind.Complete, DropoutRate = 0.3 },
        Training = new TrainingPlan { Rule = AggregationRule.FederatedAveraging, LocalEpochs = 20, LearningRate = 0.5, L2Regularisation = 0.001, BatchSize = 10_000, ClipNorm = 5, QuantizationScale = 1 << 16, ServerLearningRate = 1, SamplingRate = 1 },
        Privacy = new PrivacySettings { Mode = DpMode.None },
    };

    /// <summary>Rows of the Taiwan file as a bank would export them: some headers under the bank's own names.</summary>
    private static string OwnExport(int skip, int rows)
    {
        string[] lines = File.ReadAllLines(Path.Combine(AppContext.BaseDirectory, "data", "taiwan_credit_card_default.csv"));
        var reverse = OwnHeaders.ToDictionary(m => m.Value, m => m.Key, StringComparer.Ordinal);
        string header = string.Join(",", lines[0].Split(',').Select(h => reverse.GetValueOrDefault(h, h)));
        return string.Join("\n", lines.Skip(1 + skip).Take(rows).Prepend(header)) + "\n";
    }
}
