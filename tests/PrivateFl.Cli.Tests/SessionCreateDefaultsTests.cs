using PrivateFl.Cli.Commands;
using PrivateFl.ClientSdk;
using PrivateFl.Protocol.V1;

namespace PrivateFl.Cli.Tests;

/// <summary>
/// <c>session create</c> with no options but the schema asks for the demo's session (src/Simulation: DemoSettings'
/// defaults, DemoCommand.SessionRequest and DemoScenario's plans), so the README's numbers hold for a CLI-made session.
/// </summary>
public sealed class SessionCreateDefaultsTests
{
    [Fact]
    public void Build_GermanTemplateNoOptions_IsTheDemosSession()
    {
        FeatureSchema schema = CreditSchemas.GermanCredit;

        CreateSessionRequest request = SessionCreateCommand.Build(new SessionCreateSettings { Template = "german-credit" }, schema, schema.ToJson());

        Assert.Equal((10u, 10u, 10u), (request.TotalRounds, request.MinimumClients, request.MaximumClients));
        Assert.Equal(new SecAggSettings { Mode = SecAggMode.SemiHonest, Graph = NeighbourGraphKind.Harary, DropoutRate = 0.1, CorruptedFraction = 0 }, request.SecAgg);

        // The demo's record-level plan over its 750 training rows shared by 10 banks.
        Assert.Equal(new TrainingPlan { Rule = AggregationRule.GradientSum, LocalEpochs = 1, LearningRate = 1, BatchSize = 75, ClipNorm = 1, QuantizationScale = 1 << 12, ServerLearningRate = 3, SamplingRate = 1 }, request.Training);
        Assert.Equal(new PrivacySettings { Mode = DpMode.RecordLevel, EpsilonBudget = 1, Delta = 1e-5 }, request.Privacy);
        Assert.Equal((schema.Name, schema.Hash, (uint)(schema.EncodedLength + 1)), (request.SchemaName, request.SchemaHash, request.ModelLength));
        Assert.Equal(ModelKind.LogisticRegression, request.Model.Kind);
        Assert.Empty(request.InitialWeights);
    }

    [Fact]
    public void Build_TaiwanMlpClientLevel_TakesTheDemosPlansForThem()
    {
        FeatureSchema schema = CreditSchemas.TaiwanCredit;

        CreateSessionRequest mlp = SessionCreateCommand.Build(new SessionCreateSettings { Template = "taiwan-credit", Model = "mlp" }, schema, schema.ToJson());
        CreateSessionRequest clientLevel = SessionCreateCommand.Build(new SessionCreateSettings { Template = "taiwan-credit", DpMode = "client", Banks = 5 }, schema, schema.ToJson());

        // The demo's Taiwan multilayer perceptron: 32 tanh units with a linear path, seed 1, clip 3, server step 2.
        Assert.Equal([32u], mlp.Model.HiddenUnits);
        Assert.True(mlp.Model.LinearSkip);
        Assert.Equal((3.0, 2.0, 2250u), (mlp.Training.ClipNorm, mlp.Training.ServerLearningRate, mlp.Training.BatchSize));
        Assert.Equal(CreditModel.Create(schema, ModelSpecification.MultilayerPerceptron([32], HiddenActivation.Tanh, 1, linearSkip: true)).CreateInitialWeights(), mlp.InitialWeights);
        Assert.Equal(new TrainingPlan { Rule = AggregationRule.FederatedAveraging, LocalEpochs = 20, LearningRate = 0.5, L2Regularisation = 0.001, BatchSize = 4500, ClipNorm = 2, QuantizationScale = 1 << 12, ServerLearningRate = 1, SamplingRate = 1 }, clientLevel.Training);
        Assert.Equal(1.0 / 50, clientLevel.Privacy.Delta);
    }
}
