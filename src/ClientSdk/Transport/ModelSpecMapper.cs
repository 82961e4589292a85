using PrivateFl.Protocol.V1;

namespace PrivateFl.ClientSdk.Transport;

/// <summary>Translates the wire form of a session's model and checks an announced round's model against the session's.</summary>
internal static class ModelSpecMapper
{
    /// <summary>The SDK form of a wire spec; an absent or unspecified kind is logistic regression (sessions before models were declared).</summary>
    /// <exception cref="FederationException">The kind is unknown to this SDK or its hyperparameters are invalid.</exception>
    public static ModelSpecification FromProto(ModelSpec? spec)
    {
        if (spec is null || spec.Kind is ModelKind.Unspecified)
        {
            return ModelSpecification.LogisticRegression;
        }

        CreditModelKind kind = spec.Kind switch
        {
            ModelKind.LogisticRegression => CreditModelKind.LogisticRegression,
            ModelKind.MultilayerPerceptron => CreditModelKind.MultilayerPerceptron,
            _ => throw new FederationException($"The session trains model kind {(int)spec.Kind}, which this client does not know; update the SDK."),
        };
        HiddenActivation activation = spec.Activation == ActivationKind.Relu ? HiddenActivation.Relu : HiddenActivation.Tanh;
        if (kind == CreditModelKind.MultilayerPerceptron && spec.Activation is not (ActivationKind.Tanh or ActivationKind.Relu))
        {
            throw new FederationException($"The session's multilayer perceptron announces activation {spec.Activation}; expected TANH or RELU.");
        }

        try
        {
            return ModelSpecification.Create(kind, spec.HiddenUnits.Select(u => (int)Math.Min(u, int.MaxValue)), activation, spec.InitSeed, spec.LinearSkip);
        }
        catch (ArgumentException ex)
        {
            throw new FederationException($"The session's model is invalid: {ex.Message}", ex);
        }
    }

    /// <summary>The wire form of an SDK spec.</summary>
    public static ModelSpec ToProto(ModelSpecification specification)
    {
        var spec = new ModelSpec
        {
            Kind = specification.Kind == CreditModelKind.MultilayerPerceptron ? ModelKind.MultilayerPerceptron : ModelKind.LogisticRegression,
            Activation = specification.Kind == CreditModelKind.LogisticRegression ? ActivationKind.Unspecified : specification.Activation == HiddenActivation.Relu ? ActivationKind.Relu : ActivationKind.Tanh,
            InitSeed = specification.Kind == CreditModelKind.LogisticRegression ? 0 : specification.InitializationSeed,
            LinearSkip = specification.LinearSkip,
        };
        spec.HiddenUnits.Add(specification.HiddenUnits.Select(u => (uint)u));
        return spec;
    }

    /// <summary>
    /// Refuses a round whose model is not the session's (a server may not switch models mid-session), and a
    /// multilayer perceptron's version 0 that is not the model its public seed gives (every bank starts alike).
    /// </summary>
    /// <exception cref="SchemaMismatchException">The announced model differs.</exception>
    public static void CheckAnnouncement(RoundAnnouncement announcement, CreditModel model)
    {
        ModelSpecification announced = FromProto(announcement.ModelSpec);
        if (!announced.Equals(model.Specification))
        {
            throw new SchemaMismatchException($"Round {announcement.RoundNumber} trains {announced}; this client joined the session to train {model.Specification}.");
        }

        if (model.Specification.Kind != CreditModelKind.LogisticRegression && announcement.Model is { Version: 0 } initial
            && !initial.Weights.SequenceEqual(model.CreateInitialWeights()))
        {
            throw new SchemaMismatchException($"Round {announcement.RoundNumber} starts from an initial model that is not the one the session's seed {model.Specification.InitializationSeed} gives.");
        }
    }
}
