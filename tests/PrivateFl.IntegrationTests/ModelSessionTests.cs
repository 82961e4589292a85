using Grpc.Core;
using PrivateFl.ClientSdk;
using PrivateFl.Protocol.V1;

namespace PrivateFl.IntegrationTests;

/// <summary>Sessions that declare their model: a multilayer perceptron trains under record-level DP, and bad declarations are refused by the server or by the banks.</summary>
public sealed class ModelSessionTests
{
    private static readonly TimeSpan Limit = TimeSpan.FromMinutes(3);

    private static readonly ModelSpecification Mlp = ModelSpecification.MultilayerPerceptron([8], HiddenActivation.Tanh, initializationSeed: 5);

    [Fact]
    public async Task TrainAsync_MlpSessionWithRecordLevelDp_TrainsAndEveryBankReportsTheModel()
    {
        await using InProcessServer server = await InProcessServer.StartAsync();
        (IReadOnlyList<CreditDataset> banks, CreditDataset test) = CreditData.Split(4);
        string[] ids = [.. Enumerable.Range(1, 4).Select(i => $"bank-{i}")];
        await server.EnrollAllAsync(ids);
        CreditModel model = CreditModel.Create(CreditSchemas.GermanCredit, Mlp);
        CreateSessionRequest request = MlpRequest("mlp", model, model.CreateInitialWeights());
        request.Privacy = new PrivacySettings { Mode = DpMode.RecordLevel, EpsilonBudget = 4, Delta = 1e-5 };

        SessionInfo info = await server.Admin.CreateSessionAsync(request, InProcessServer.AdminCall());
        var clients = ids.Select(id => server.Client(id, maxEpsilon: 5)).ToList();
        TrainingReport[] reports = await Task.WhenAll(clients.Select((c, i) => c.TrainAsync("mlp", banks[i]))).WaitAsync(Limit);

        GlobalModel final = await clients[0].GetGlobalModelAsync("mlp");
        Assert.Equal("multilayer-perceptron", info.ModelKind);
        Assert.Equal(ModelKind.MultilayerPerceptron, info.Model.Kind);
        Assert.Equal(Mlp, (await clients[0].GetSessionAsync("mlp")).Model);
        Assert.All(reports, r => Assert.Equal(3, r.RoundsParticipated));
        Assert.Equal(model.ParameterCount, final.Weights.Count);
        Assert.NotEqual(model.CreateInitialWeights(), final.Weights);
        double auc = ModelMetrics.RocAuc(model.PredictProbabilities([.. final.Weights], test), test.Labels);
        Assert.True(auc > 0.6, $"held-out AUC {auc:F3}");
        foreach (FederatedClient client in clients)
        {
            client.Dispose();
        }
    }

    [Fact]
    public async Task CreateSession_BadModelDeclarations_InvalidArgumentNamingTheField()
    {
        await using InProcessServer server = await InProcessServer.StartAsync();
        CreditModel model = CreditModel.Create(CreditSchemas.GermanCredit, Mlp);

        CreateSessionRequest noWeights = MlpRequest("a", model, null);
        CreateSessionRequest wrongLength = MlpRequest("b", model, null);
        wrongLength.ModelLength += 1;
        CreateSessionRequest hiddenLogistic = InProcessServer.CreditSessionRequest("c", 3, 1, FedAvg(), new PrivacySettings { Mode = DpMode.None });
        hiddenLogistic.Model = new ModelSpec { Kind = ModelKind.LogisticRegression, HiddenUnits = { 4 } };
        CreateSessionRequest noActivation = MlpRequest("d", model, model.CreateInitialWeights());
        noActivation.Model.Activation = ActivationKind.Unspecified;
        CreateSessionRequest skipLogistic = InProcessServer.CreditSessionRequest("e", 3, 1, FedAvg(), new PrivacySettings { Mode = DpMode.None });
        skipLogistic.Model = new ModelSpec { Kind = ModelKind.LogisticRegression, LinearSkip = true };
        CreateSessionRequest skipWithoutItsWeights = MlpRequest("f", model, model.CreateInitialWeights());
        skipWithoutItsWeights.Model.LinearSkip = true;

        foreach ((CreateSessionRequest request, string field) in new[] { (noWeights, "initial_weights"), (wrongLength, "model_length"), (hiddenLogistic, "model.hidden_units"), (noActivation, "model.activation"), (skipLogistic, "model.linear_skip"), (skipWithoutItsWeights, "model_length") })
        {
            var ex = await Assert.ThrowsAsync<RpcException>(() => server.Admin.CreateSessionAsync(request, InProcessServer.AdminCall()).ResponseAsync);
            Assert.Equal(StatusCode.InvalidArgument, ex.StatusCode);
            Assert.Contains(ex.GetRpcStatus()!.GetDetail<Google.Rpc.BadRequest>().FieldViolations, v => v.Field == field);
        }
    }

    [Fact]
    public async Task TrainAsync_InitialModelNotTheSeededOne_EveryBankRefuses()
    {
        await using InProcessServer server = await InProcessServer.StartAsync();
        (IReadOnlyList<CreditDataset> banks, _) = CreditData.Split(3);
        string[] ids = ["bank-1", "bank-2", "bank-3"];
        await server.EnrollAllAsync(ids);
        CreditModel model = CreditModel.Create(CreditSchemas.GermanCredit, Mlp);
        double[] tampered = model.CreateInitialWeights();
        tampered[3] += 0.25;
        await server.Admin.CreateSessionAsync(MlpRequest("tampered", model, tampered), InProcessServer.AdminCall());
        var clients = ids.Select(id => server.Client(id)).ToList();

        Task<TrainingReport>[] training = [.. clients.Select((c, i) => c.TrainAsync("tampered", banks[i]))];

        foreach (Task<TrainingReport> task in training)
        {
            var ex = await Assert.ThrowsAsync<SchemaMismatchException>(() => task.WaitAsync(Limit));
            Assert.Contains("seed", ex.Message, StringComparison.Ordinal);
        }

        foreach (FederatedClient client in clients)
        {
            client.Dispose();
        }
    }

    [Fact]
    public async Task TrainAsync_SessionLengthForAnotherFeatureCount_BankRefusesBeforeAnyRound()
    {
        await using InProcessServer server = await InProcessServer.StartAsync();
        (IReadOnlyList<CreditDataset> banks, _) = CreditData.Split(3);
        await server.EnrollAllAsync(["bank-1"]);
        CreditModel model = CreditModel.Create(CreditSchemas.GermanCredit, Mlp);
        CreateSessionRequest request = MlpRequest("shape", model, null);

        // 8 hidden units over 31 features: a length the server cannot refuse (it does not know F), but not this bank's 32.
        // The session names the schema by its hash alone (not the built-in's name), so the server carries no schema
        // to check d against; a session that carries its schema is refused at creation (SessionSchemaTests).
        request.SchemaName = "german-credit-by-hash";
        request.ModelLength = (8 * (31 + 1)) + 8 + 1;
        request.InitialWeights.Add(Enumerable.Repeat(0.1, (int)request.ModelLength));
        await server.Admin.CreateSessionAsync(request, InProcessServer.AdminCall());
        using FederatedClient client = server.Client("bank-1");

        var ex = await Assert.ThrowsAsync<SchemaMismatchException>(() => client.TrainAsync("shape", banks[0]).WaitAsync(Limit));

        Assert.Contains($"{model.ParameterCount} parameters", ex.Message, StringComparison.Ordinal);
    }

    private static TrainingPlan FedAvg() =>
        new() { Rule = AggregationRule.FederatedAveraging, LocalEpochs = 5, LearningRate = 0.5, L2Regularisation = 0.001, BatchSize = 10_000, ClipNorm = 5, QuantizationScale = 1 << 16, ServerLearningRate = 1, SamplingRate = 1 };

    private static CreateSessionRequest MlpRequest(string id, CreditModel model, double[]? initialWeights)
    {
        CreateSessionRequest request = InProcessServer.CreditSessionRequest(
            id,
            3,
            3,
            new TrainingPlan { Rule = AggregationRule.GradientSum, LocalEpochs = 1, LearningRate = 1, BatchSize = 250, ClipNorm = 1, QuantizationScale = 1 << 12, ServerLearningRate = 3, SamplingRate = 1 },
            new PrivacySettings { Mode = DpMode.None },
            minimumClients: 3);
        request.MaximumClients = 4;
        request.ModelLength = (uint)model.ParameterCount;
        request.Model = new ModelSpec { Kind = ModelKind.MultilayerPerceptron, Activation = ActivationKind.Tanh, InitSeed = model.Specification.InitializationSeed, HiddenUnits = { model.Specification.HiddenUnits.Select(u => (uint)u) } };
        if (initialWeights is not null)
        {
            request.InitialWeights.Add(initialWeights);
        }

        return request;
    }
}
