namespace PrivateFl.Server.Coordination;

/// <summary>The session's model family and hyperparameters, as stored; public to its clients.</summary>
internal sealed record ModelSpecData(ModelKindData Kind, int[] HiddenUnits, ActivationKindData Activation, long InitSeed, bool LinearSkip = false)
{
    /// <summary>Logistic regression, the model of every session that declares none.</summary>
    public static ModelSpecData LogisticRegression { get; } = new(ModelKindData.LogisticRegression, [], ActivationKindData.Tanh, 0);

    /// <summary>The name reported in SessionInfo.model_kind.</summary>
    public string Name => Kind == ModelKindData.MultilayerPerceptron ? "multilayer-perceptron" : "logistic-regression";
}

/// <summary>The model families (wire: ModelKind).</summary>
internal enum ModelKindData
{
    LogisticRegression = 1,
    MultilayerPerceptron = 2,
}

/// <summary>The hidden activations (wire: ActivationKind).</summary>
internal enum ActivationKindData
{
    Tanh = 1,
    Relu = 2,
}
