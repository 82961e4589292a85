using System.Text.RegularExpressions;
using PrivateFl.Crypto.SecAgg;
using PrivateFl.Protocol.V1;
using PrivateFl.Server.Coordination;
using CryptoGraph = PrivateFl.Crypto.SecAgg.NeighbourGraphKind;
using CryptoMode = PrivateFl.Crypto.SecAgg.SecAggMode;

namespace PrivateFl.Server.Services;

/// <summary>Checks a session request completely and reports every bad field at once.</summary>
internal static partial class SessionRequestValidator
{
    public const int MaxModelLength = 4_000_000;

    /// <summary>The most hidden layers of a multilayer perceptron (as the SDK's ModelSpecification).</summary>
    public const int MaxHiddenLayers = 4;

    /// <summary>The most units of one hidden layer (as the SDK's ModelSpecification).</summary>
    public const int MaxHiddenUnits = 1024;

    public static SessionDefinition Validate(CreateSessionRequest request, long nowUnixMs)
    {
        var violations = new List<(string Field, string Description)>();
        void Check(bool ok, string field, string description)
        {
            if (!ok)
            {
                violations.Add((field, description));
            }
        }

        string sessionId = string.IsNullOrEmpty(request.SessionId) ? Guid.NewGuid().ToString("n") : request.SessionId;
        Check(SessionIdPattern().IsMatch(sessionId), "session_id", "must be 1–64 characters of letters, digits, '.', '_' or '-'.");
        SessionSchemaValidator.Result schema = SessionSchemaValidator.Validate(request, Check);
        if (request.SchemaJson.Length == 0)
        {
            Check(!string.IsNullOrWhiteSpace(request.SchemaName) && request.SchemaName.Length <= 128, "schema_name", "is required (at most 128 characters).");
            Check(HashPattern().IsMatch(request.SchemaHash), "schema_hash", "must be the schema's lowercase hex SHA-256 (64 characters).");
        }

        Check(request.ModelLength is >= 1 and <= MaxModelLength, "model_length", $"must be 1 to {MaxModelLength}.");
        Check(request.TotalRounds is >= 1 and <= 100_000, "total_rounds", "must be 1 to 100000.");
        Check(request.MinimumClients is >= 3 and <= 100_000, "minimum_clients", "must be 3 to 100000: secure aggregation of fewer than 3 clients reveals inputs.");
        Check(request.MaximumClients >= request.MinimumClients && request.MaximumClients <= 100_000, "maximum_clients", "must be at least minimum_clients and at most 100000.");
        CohortSettings cohorts = request.Cohorts ?? new CohortSettings();
        uint cohortSize = cohorts.CohortSize == 0 ? request.MaximumClients : cohorts.CohortSize;
        uint minimumCohortSize = cohorts.MinimumCohortSize == 0 ? request.MinimumClients : cohorts.MinimumCohortSize;
        Check(cohorts.CohortSize == 0 || (cohorts.CohortSize >= 3 && cohorts.CohortSize <= request.MaximumClients), "cohorts.cohort_size", "must be 0 (one cohort of up to maximum_clients) or 3 to maximum_clients.");
        Check(cohorts.MinimumCohortSize == 0 || (cohorts.MinimumCohortSize >= 3 && cohorts.MinimumCohortSize <= cohortSize), "cohorts.minimum_cohort_size", "must be 0 (minimum_clients) or 3 to cohort_size: secure aggregation of fewer than 3 banks reveals inputs.");
        Check(minimumCohortSize <= cohortSize, "cohorts.minimum_cohort_size", "must be at most cohort_size.");
        Check(cohorts.MinimumCohorts <= 100_000 && (ulong)Math.Max(1u, cohorts.MinimumCohorts) * minimumCohortSize <= request.MaximumClients, "cohorts.minimum_cohorts", "must be 0 (one) or a number whose cohorts of minimum_cohort_size fit in maximum_clients.");
        Check(request.InitialWeights.Count == 0 || request.InitialWeights.Count == request.ModelLength, "initial_weights", $"must be empty or hold model_length ({request.ModelLength}) values.");
        Check(request.InitialWeights.All(double.IsFinite), "initial_weights", "must be finite.");

        int modelViolations = violations.Count;
        ModelSpecData model = ValidateModel(request, Check);
        if (schema.Schema is not null && violations.Count == modelViolations)
        {
            SessionSchemaValidator.CheckModelLength(schema.Schema, model, request.ModelLength, Check);
        }

        SecAggSettings secAgg = request.SecAgg ?? new SecAggSettings();
        Check(secAgg.Mode != Protocol.V1.SecAggMode.Unspecified, "sec_agg.mode", "is required: SEMI_HONEST or ACTIVE.");
        Check(secAgg.Graph != Protocol.V1.NeighbourGraphKind.Unspecified, "sec_agg.graph", "is required: COMPLETE or HARARY.");
        Check(
            !(secAgg.Mode == Protocol.V1.SecAggMode.Active && secAgg.Graph == Protocol.V1.NeighbourGraphKind.Harary),
            "sec_agg.graph",
            "must be COMPLETE in ACTIVE mode: the server draws the SecAgg+ graph seed and orders the participants, so a malicious server could surround a bank with colluders in a sparse graph (specs/protocol.md §2.3).");
        Check(secAgg.DropoutRate is >= 0 and < 1, "sec_agg.dropout_rate", "must be in [0, 1).");
        Check(secAgg.CorruptedFraction is >= 0 and < 1, "sec_agg.corrupted_fraction", "must be in [0, 1).");
        int securityBits = secAgg.SecurityBits == 0 ? SecAggParameters.DefaultSecurityBits : (int)secAgg.SecurityBits;
        int correctnessBits = secAgg.CorrectnessBits == 0 ? SecAggParameters.DefaultCorrectnessBits : (int)secAgg.CorrectnessBits;

        TrainingPlan training = request.Training ?? new TrainingPlan();
        Check(training.Rule != AggregationRule.Unspecified, "training.rule", "is required: FEDERATED_AVERAGING or GRADIENT_SUM.");
        Check(training.LocalEpochs is >= 1 and <= 1000, "training.local_epochs", "must be 1 to 1000.");
        Check(double.IsFinite(training.LearningRate) && training.LearningRate > 0, "training.learning_rate", "must be positive and finite.");
        Check(double.IsFinite(training.L2Regularisation) && training.L2Regularisation >= 0, "training.l2_regularisation", "must be finite and not negative.");
        Check(training.BatchSize is >= 1 and <= 10_000_000, "training.batch_size", "must be 1 to 10000000.");
        Check(double.IsFinite(training.ClipNorm) && training.ClipNorm > 0, "training.clip_norm", "must be positive and finite.");
        Check(double.IsFinite(training.QuantizationScale) && training.QuantizationScale > 0, "training.quantization_scale", "must be positive and finite.");
        Check(double.IsFinite(training.ServerLearningRate) && training.ServerLearningRate > 0, "training.server_learning_rate", "must be positive and finite.");
        Check(training.SamplingRate is > 0 and <= 1, "training.sampling_rate", "must be in (0, 1].");

        PrivacySettings privacy = request.Privacy ?? new PrivacySettings { Mode = DpMode.None };
        DpModeKind dpMode = privacy.Mode switch
        {
            DpMode.RecordLevel => DpModeKind.RecordLevel,
            DpMode.ClientLevel => DpModeKind.ClientLevel,
            _ => DpModeKind.None,
        };
        double expectedRecords = dpMode == DpModeKind.RecordLevel ? (double)request.MaximumClients * Math.Max(1u, training.BatchSize) : request.MaximumClients;
        if (dpMode != DpModeKind.None)
        {
            Check(double.IsFinite(privacy.EpsilonBudget) && privacy.EpsilonBudget > 0, "privacy.epsilon_budget", "must be positive and finite.");
            Check(privacy.Delta > 0 && privacy.Delta < 1 / Math.Max(1, expectedRecords), "privacy.delta", $"must be in (0, 1/n) with n = {expectedRecords:0} the {(dpMode == DpModeKind.RecordLevel ? "records the session expects (maximum_clients × batch_size)" : "clients")}.");
            Check(privacy.NoiseMultiplier == 0 || (double.IsFinite(privacy.NoiseMultiplier) && privacy.NoiseMultiplier > 0 && privacy.NoiseMultiplier <= 1e6), "privacy.noise_multiplier", "must be 0 (calibrate from the budget) or positive and finite, at most 10^6.");
            Check(dpMode != DpModeKind.RecordLevel || training.Rule == AggregationRule.GradientSum, "training.rule", "must be GRADIENT_SUM for record-level DP (each record's gradient is clipped).");
            Check(dpMode != DpModeKind.ClientLevel || training.Rule == AggregationRule.FederatedAveraging, "training.rule", "must be FEDERATED_AVERAGING for client-level DP (each client's delta is clipped).");
        }

        if (violations.Count > 0)
        {
            throw RpcErrors.InvalidArgument(violations);
        }

        var definition = new SessionDefinition(
            sessionId,
            schema.Name,
            schema.Hash,
            model.Name,
            (int)request.ModelLength,
            (int)request.TotalRounds,
            (int)request.MinimumClients,
            (int)request.MaximumClients,
            new SecAggSettingsData(
                secAgg.Mode == Protocol.V1.SecAggMode.Active ? CryptoMode.Active : CryptoMode.SemiHonest,
                secAgg.Graph == Protocol.V1.NeighbourGraphKind.Harary ? CryptoGraph.Harary : CryptoGraph.Complete,
                secAgg.DropoutRate,
                secAgg.CorruptedFraction,
                securityBits,
                correctnessBits),
            new TrainingPlanData(
                training.Rule == AggregationRule.GradientSum ? AggregationRuleKind.GradientSum : AggregationRuleKind.FederatedAveraging,
                (int)training.LocalEpochs,
                training.LearningRate,
                training.L2Regularisation,
                (int)training.BatchSize,
                training.ClipNorm,
                training.QuantizationScale,
                training.ServerLearningRate,
                training.SamplingRate),
            new PrivacySettingsData(dpMode, privacy.EpsilonBudget, privacy.Delta, privacy.NoiseMultiplier),
            nowUnixMs,
            model,
            schema.CanonicalJson,
            request.Cohorts is null ? null : new CohortSettingsData((int)cohorts.CohortSize, (int)cohorts.MinimumCohortSize, (int)cohorts.MinimumCohorts));

        if (dpMode != DpModeKind.None && privacy.NoiseMultiplier == 0)
        {
            try
            {
                double sigma = PrivacyPlan.SamplingRate(definition) == 0 ? 0 : Crypto.Privacy.DdgAccountant.CalibrateNoise(PrivacyPlan.SamplingRate(definition), PrivacyPlan.Discreteness(definition), definition.TotalRounds, privacy.EpsilonBudget, privacy.Delta);
                definition = definition with { Privacy = definition.Privacy with { NoiseMultiplier = sigma } };
            }
            catch (ArgumentOutOfRangeException ex)
            {
                violations.Add(("privacy.epsilon_budget", ex.Message));
            }
        }

        // The settings must give valid rounds at both ends of the client range, and sums that cannot wrap. Each cohort is
        // a round of its own, so the ends are the smallest and the largest cohort (one cohort: the session's range).
        var probe = new RoundIdentity(sessionId, 1, new byte[RoundIdentity.GraphSeedSize]);
        int[] ends = [definition.MinimumCohortSize, definition.CohortSize];
        foreach (int clients in ends)
        {
            try
            {
                TrainingCoordinator.CreateParameters(definition, clients, probe);
            }
            catch (ArgumentException ex)
            {
                violations.Add(("sec_agg", $"with {clients} clients: {ex.Message}"));
            }
        }

        foreach (int clients in ends)
        {
            if (violations.Count > 0)
            {
                break;
            }

            try
            {
                int threshold = TrainingCoordinator.CreateParameters(definition, clients, probe).Threshold;
                double clientSigma = PrivacyPlan.ClientSigma(definition, clients, threshold);
                if (!PrivacyPlan.Settings(definition).IsClientSigmaAccountable(clients, threshold))
                {
                    violations.Add(("training.quantization_scale", $"with {clients} clients each adds noise of σ = {clientSigma:G4} quantized units; it must be {Crypto.Privacy.DistributedNoise.MinimumClientSigma} to {Crypto.Privacy.DiscreteGaussian.MaxSigma}: change the scale or the noise multiplier."));
                }

                UpdateEncoding.Quantizer(definition.Training, clients, PrivacyPlan.NoiseBound(clientSigma));
            }
            catch (ArgumentOutOfRangeException ex)
            {
                violations.Add(("training.quantization_scale", $"with {clients} clients: {ex.Message}"));
            }
        }

        return violations.Count > 0 ? throw RpcErrors.InvalidArgument(violations) : definition;
    }

    /// <summary>
    /// The model's family and shape. The server does not know the schema's feature count F, but d must be a count the
    /// family can have for some F ≥ 1; each bank then checks d against its own schema exactly.
    /// </summary>
    private static ModelSpecData ValidateModel(CreateSessionRequest request, Action<bool, string, string> check)
    {
        ModelSpec spec = request.Model ?? new ModelSpec();
        if (spec.Kind is ModelKind.Unspecified or ModelKind.LogisticRegression)
        {
            check(spec.HiddenUnits.Count == 0, "model.hidden_units", "must be empty for logistic regression.");
            check(!spec.LinearSkip, "model.linear_skip", "must be false for logistic regression (it is already linear).");
            check(request.ModelLength >= 2, "model_length", "must be at least 2 for logistic regression (the bias and one weight per feature).");
            return ModelSpecData.LogisticRegression;
        }

        if (spec.Kind != ModelKind.MultilayerPerceptron)
        {
            check(false, "model.kind", "must be LOGISTIC_REGRESSION or MULTILAYER_PERCEPTRON.");
            return ModelSpecData.LogisticRegression;
        }

        int[] hidden = [.. spec.HiddenUnits.Select(u => (int)Math.Min(u, int.MaxValue))];
        bool layersValid = hidden.Length is >= 1 and <= MaxHiddenLayers && hidden.All(u => u is >= 1 and <= MaxHiddenUnits);
        check(layersValid, "model.hidden_units", $"must hold 1 to {MaxHiddenLayers} hidden layers of 1 to {MaxHiddenUnits} units.");
        check(spec.Activation is ActivationKind.Tanh or ActivationKind.Relu, "model.activation", "is required for a multilayer perceptron: TANH or RELU.");
        if (layersValid)
        {
            // d = H₁(F + 1) + Σ_{l≥2} Hₗ(Hₗ₋₁ + 1) + H_L + 1 (+ F with the linear path): what is left after the fixed
            // layers must be H₁ × (F + 1) (or (H₁ + 1) × F + H₁), F ≥ 1.
            long rest = (long)request.ModelLength - hidden[^1] - 1;
            for (int l = 1; l < hidden.Length; l++)
            {
                rest -= (long)hidden[l] * (hidden[l - 1] + 1);
            }

            long perFeature = spec.LinearSkip ? hidden[0] + 1L : hidden[0];
            rest -= hidden[0];
            check(rest >= perFeature && rest % perFeature == 0, "model_length", $"does not fit a multilayer perceptron with hidden layers {string.Join("×", hidden)} over any number of features.");
        }

        check(request.InitialWeights.Count == request.ModelLength && request.InitialWeights.Any(w => w != 0), "initial_weights", "are required for a multilayer perceptron: the weights its init_seed gives (SDK CreditModel.CreateInitialWeights), since from zeros every hidden unit would stay identical.");
        return new ModelSpecData(
            ModelKindData.MultilayerPerceptron,
            hidden,
            spec.Activation == ActivationKind.Relu ? ActivationKindData.Relu : ActivationKindData.Tanh,
            spec.InitSeed,
            spec.LinearSkip);
    }

    [GeneratedRegex("^[A-Za-z0-9._-]{1,64}$")]
    private static partial Regex SessionIdPattern();

    [GeneratedRegex("^[0-9a-f]{64}$")]
    private static partial Regex HashPattern();
}
