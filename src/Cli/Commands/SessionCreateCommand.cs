using System.Text.Json.Nodes;
using PrivateFl.Cli.Internal;
using PrivateFl.ClientSdk;
using PrivateFl.Protocol.V1;

namespace PrivateFl.Cli.Commands;

/// <summary>
/// <c>session create</c>: a session from a schema file or a built-in template. As the demo, it sends the schema's text
/// with its name and hash and the model length <see cref="CreditModel.ParameterCount"/> gives, all computed by the SDK's
/// public API, so the server's checks and the banks' re-derivation agree with what the operator asked for.
/// </summary>
internal sealed class SessionCreateCommand(CliEnvironment environment) : CliCommand<SessionCreateSettings>(environment)
{
    /// <summary>The demo's training rows: three quarters of each data set (its stratified 25% test split).</summary>
    private static readonly Dictionary<string, int> DemoTrainingRows = new(StringComparer.Ordinal)
    {
        [CreditSchemas.GermanCreditName] = 750,
        [CreditSchemas.TaiwanCreditName] = 22_500,
    };

    protected override async Task<int> RunAsync(ServerConnection connection, SessionCreateSettings settings, Output output, CancellationToken cancellationToken)
    {
        Grpc.Core.CallOptions call = connection.AdminCall(cancellationToken);
        (FeatureSchema schema, string schemaJson) = await ReadSchemaAsync(settings, cancellationToken).ConfigureAwait(false);
        CreateSessionRequest request = Build(settings, schema, schemaJson);
        SessionInfo session = await connection.Admin.CreateSessionAsync(request, call).ResponseAsync.ConfigureAwait(false);
        if (settings.Json)
        {
            JsonNode node = Output.ToNode(session);
            output.Json(node);
        }
        else
        {
            output.Write(SessionShowCommand.Describe(session));
        }

        return ExitCodes.Success;
    }

    /// <summary>The request the options ask for (public for tests: the defaults are the demo's).</summary>
    internal static CreateSessionRequest Build(SessionCreateSettings settings, FeatureSchema schema, string schemaJson)
    {
        ModelSpecification model = settings.Model == "mlp"
            ? ModelSpecification.MultilayerPerceptron([settings.Hidden ?? (schema.Name == CreditSchemas.TaiwanCreditName ? 32 : 16)], HiddenActivation.Tanh, initializationSeed: 1, linearSkip: true)
            : ModelSpecification.LogisticRegression;
        CreditModel credit = CreditModel.Create(schema, model);
        int batchSize = settings.BatchSize
            ?? (DemoTrainingRows.TryGetValue(schema.Name, out int rows)
                ? (int)Math.Ceiling((double)rows / settings.Banks)
                : throw new CliException($"--batch-size is required for schema '{schema.Name}': the public cap on the rows a bank uses per round (about its rows; the demo's defaults are for german-credit and taiwan-credit)."));
        bool clientLevel = settings.DpMode == "client";
        bool tanhMlpOnTaiwan = model.Kind == CreditModelKind.MultilayerPerceptron && schema.Name == CreditSchemas.TaiwanCreditName;

        // The demo's plans (DemoScenario.RecordLevelPlan and ClientLevelPlan); without DP it trains as record level.
        var training = new TrainingPlan
        {
            Rule = clientLevel ? AggregationRule.FederatedAveraging : AggregationRule.GradientSum,
            LocalEpochs = (uint)(settings.LocalEpochs ?? (clientLevel ? 20 : 1)),
            LearningRate = settings.LearningRate ?? (clientLevel ? 0.5 : 1),
            L2Regularisation = settings.L2 ?? (clientLevel ? 0.001 : 0),
            BatchSize = (uint)batchSize,
            ClipNorm = settings.ClipNorm ?? (clientLevel ? 2 : tanhMlpOnTaiwan ? 3 : 1),
            QuantizationScale = settings.QuantizationScale ?? (1 << 12),
            ServerLearningRate = settings.ServerLearningRate ?? (clientLevel ? 1 : tanhMlpOnTaiwan ? 2 : 3),
            SamplingRate = settings.SamplingRate ?? 1,
        };
        bool active = settings.SecAgg == "active";
        var request = new CreateSessionRequest
        {
            SessionId = settings.SessionId ?? string.Empty,
            SchemaJson = schemaJson,
            SchemaName = schema.Name,
            SchemaHash = schema.Hash,
            ModelLength = (uint)credit.ParameterCount,
            Model = WireModel(model),
            TotalRounds = (uint)settings.Rounds,
            MinimumClients = (uint)(settings.MinimumBanks ?? settings.Banks),
            MaximumClients = (uint)settings.Banks,
            SecAgg = new SecAggSettings
            {
                Mode = active ? SecAggMode.Active : SecAggMode.SemiHonest,
                Graph = (settings.Graph ?? (active ? "complete" : "harary")) == "harary" ? NeighbourGraphKind.Harary : NeighbourGraphKind.Complete,
                DropoutRate = settings.DropoutRate,
                CorruptedFraction = settings.CorruptedFraction,
            },
            Training = training,
            Privacy = settings.DpMode == "none"
                ? new PrivacySettings { Mode = DpMode.None }
                : new PrivacySettings
                {
                    Mode = clientLevel ? DpMode.ClientLevel : DpMode.RecordLevel,
                    EpsilonBudget = settings.Epsilon,
                    Delta = settings.Delta ?? (clientLevel ? 1.0 / (10 * settings.Banks) : 1e-5),
                    NoiseMultiplier = settings.NoiseMultiplier,
                },
        };
        if (settings.CohortSize is not null || settings.MinimumCohortSize is not null || settings.MinimumCohorts is not null)
        {
            // Unset values stay 0, which the server reads as its defaults (common.proto, CohortSettings).
            request.Cohorts = new CohortSettings
            {
                CohortSize = (uint)(settings.CohortSize ?? 0),
                MinimumCohortSize = (uint)(settings.MinimumCohortSize ?? 0),
                MinimumCohorts = (uint)(settings.MinimumCohorts ?? 0),
            };
        }

        if (model.Kind == CreditModelKind.MultilayerPerceptron)
        {
            // Version 0 of a multilayer perceptron must be the weights its public seed gives (common.proto, ModelSpec).
            request.InitialWeights.Add(credit.CreateInitialWeights());
        }

        return request;
    }

    private static ModelSpec WireModel(ModelSpecification model)
    {
        bool mlp = model.Kind == CreditModelKind.MultilayerPerceptron;
        var spec = new ModelSpec
        {
            Kind = mlp ? ModelKind.MultilayerPerceptron : ModelKind.LogisticRegression,
            Activation = mlp ? (model.Activation == HiddenActivation.Relu ? ActivationKind.Relu : ActivationKind.Tanh) : ActivationKind.Unspecified,
            InitSeed = mlp ? model.InitializationSeed : 0,
            LinearSkip = model.LinearSkip,
        };
        spec.HiddenUnits.Add(model.HiddenUnits.Select(u => (uint)u));
        return spec;
    }

    private static async Task<(FeatureSchema Schema, string Json)> ReadSchemaAsync(SessionCreateSettings settings, CancellationToken cancellationToken)
    {
        if (settings.Template is { } template)
        {
            FeatureSchema builtIn = CreditSchemas.Find(template)!;
            return (builtIn, builtIn.ToJson());
        }

        string path = settings.Schema!;
        string json;
        try
        {
            json = await File.ReadAllTextAsync(path, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            throw new CliException($"--schema '{path}' cannot be read: {ex.Message}", ExitCodes.BadArguments, ex);
        }

        try
        {
            return (FeatureSchema.FromJson(json), json);
        }
        catch (Exception ex) when (ex is FormatException or ArgumentException)
        {
            throw new CliException($"--schema '{path}' is not a valid schema (specs/schema.md): {ex.Message}", ExitCodes.BadArguments, ex);
        }
    }
}
