namespace PrivateFl.ClientSdk;

/// <summary>
/// What a training session declares about its model: the family and its hyperparameters. With a
/// <see cref="FeatureSchema"/> it fixes the parameter count and the initial weights (<see cref="CreditModel.Create"/>),
/// so every bank can check that the server announces the model it agreed to. Immutable.
/// </summary>
public sealed class ModelSpecification : IEquatable<ModelSpecification>
{
    /// <summary>The most hidden layers a multilayer perceptron may have.</summary>
    public const int MaxHiddenLayers = 4;

    /// <summary>The most units a hidden layer may have.</summary>
    public const int MaxHiddenUnits = 1024;

    private ModelSpecification(CreditModelKind kind, int[] hiddenUnits, HiddenActivation activation, long initializationSeed, bool linearSkip = false)
    {
        Kind = kind;
        LinearSkip = linearSkip;
        HiddenUnits = Array.AsReadOnly(hiddenUnits);
        Activation = activation;
        InitializationSeed = initializationSeed;
    }

    /// <summary>Gets the logistic-regression specification (the default of a session that declares no model).</summary>
    public static ModelSpecification LogisticRegression { get; } = new(CreditModelKind.LogisticRegression, [], HiddenActivation.Tanh, 0);

    /// <summary>Gets the model family.</summary>
    public CreditModelKind Kind { get; }

    /// <summary>Gets the width of each hidden layer, input side first; empty for logistic regression.</summary>
    public IReadOnlyList<int> HiddenUnits { get; }

    /// <summary>Gets the activation of the hidden units (meaningless for logistic regression).</summary>
    public HiddenActivation Activation { get; }

    /// <summary>
    /// Gets whether a multilayer perceptron also has a linear path from the features to the output (the "wide" part of
    /// wide-and-deep networks, Cheng et al. 2016): the log-odds are the hidden layers' output plus a logistic
    /// regression's, whose F weights start at zero, as does the output row of the hidden layers (so the fresh network is a
    /// zero-weight scorecard). The hidden layers then learn what the linear scorecard misses, instead
    /// of re-learning it slowly through a random representation under few noisy DP rounds.
    /// </summary>
    public bool LinearSkip { get; }

    /// <summary>
    /// Gets the public seed of the initial weights: every bank and the operator derive the same initial model from it,
    /// and a bank refuses a session whose version-0 model differs (0 for logistic regression, which starts from zeros).
    /// </summary>
    public long InitializationSeed { get; }

    /// <summary>Creates a multilayer-perceptron specification.</summary>
    /// <param name="hiddenUnits">The width of each hidden layer: 1 to <see cref="MaxHiddenLayers"/> layers of 1 to <see cref="MaxHiddenUnits"/> units.</param>
    /// <param name="activation">The activation of the hidden units.</param>
    /// <param name="initializationSeed">The public seed of the initial weights.</param>
    /// <param name="linearSkip">Whether to add a linear path from the features to the output (<see cref="LinearSkip"/>).</param>
    /// <returns>The specification.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="hiddenUnits"/> is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentException">The layers or the activation break a rule above; the message names it.</exception>
    public static ModelSpecification MultilayerPerceptron(IEnumerable<int> hiddenUnits, HiddenActivation activation = HiddenActivation.Tanh, long initializationSeed = 1, bool linearSkip = false)
    {
        ArgumentNullException.ThrowIfNull(hiddenUnits);
        int[] layers = [.. hiddenUnits];
        string? problem = Check(CreditModelKind.MultilayerPerceptron, layers, activation);
        return problem is null ? new ModelSpecification(CreditModelKind.MultilayerPerceptron, layers, activation, initializationSeed, linearSkip) : throw new ArgumentException(problem, nameof(hiddenUnits));
    }

    /// <summary>Creates a specification of any registered kind, checking the hyperparameters the kind takes.</summary>
    /// <param name="kind">The family.</param>
    /// <param name="hiddenUnits">The hidden-layer widths (empty for logistic regression).</param>
    /// <param name="activation">The hidden activation.</param>
    /// <param name="initializationSeed">The public seed of the initial weights.</param>
    /// <param name="linearSkip">Whether a multilayer perceptron has a linear path (<see cref="LinearSkip"/>); must be false for logistic regression.</param>
    /// <returns>The specification.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="hiddenUnits"/> is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentException">The kind is not registered, or its hyperparameters are invalid; the message names the rule.</exception>
    public static ModelSpecification Create(CreditModelKind kind, IEnumerable<int> hiddenUnits, HiddenActivation activation, long initializationSeed, bool linearSkip = false)
    {
        ArgumentNullException.ThrowIfNull(hiddenUnits);
        int[] layers = [.. hiddenUnits];
        string? problem = Check(kind, layers, activation) ?? (kind == CreditModelKind.LogisticRegression && linearSkip ? "Logistic regression is already linear: it has no linear skip path." : null);
        if (problem is not null)
        {
            throw new ArgumentException(problem, nameof(kind));
        }

        return kind == CreditModelKind.LogisticRegression ? LogisticRegression : new ModelSpecification(kind, layers, activation, initializationSeed, linearSkip);
    }

    /// <inheritdoc/>
    public bool Equals(ModelSpecification? other) =>
        other is not null && Kind == other.Kind && HiddenUnits.SequenceEqual(other.HiddenUnits) && (Kind == CreditModelKind.LogisticRegression || (Activation == other.Activation && InitializationSeed == other.InitializationSeed && LinearSkip == other.LinearSkip));

    /// <inheritdoc/>
    public override bool Equals(object? obj) => Equals(obj as ModelSpecification);

    /// <inheritdoc/>
    public override int GetHashCode() => HashCode.Combine(Kind, HiddenUnits.Count, Kind == CreditModelKind.LogisticRegression ? 0 : InitializationSeed);

    /// <inheritdoc/>
    public override string ToString() => Kind == CreditModelKind.LogisticRegression
        ? "logistic regression"
        : $"multilayer perceptron {string.Join("×", HiddenUnits)} {Activation.ToString().ToLowerInvariant()}{(LinearSkip ? " + linear" : string.Empty)} (seed {InitializationSeed})";

    internal static string? Check(CreditModelKind kind, int[] hiddenUnits, HiddenActivation activation) => kind switch
    {
        CreditModelKind.LogisticRegression => hiddenUnits.Length == 0 ? null : "Logistic regression has no hidden layers.",
        CreditModelKind.MultilayerPerceptron when hiddenUnits.Length is < 1 or > MaxHiddenLayers => $"A multilayer perceptron has 1 to {MaxHiddenLayers} hidden layers; got {hiddenUnits.Length}.",
        CreditModelKind.MultilayerPerceptron when hiddenUnits.Any(u => u is < 1 or > MaxHiddenUnits) => $"Each hidden layer has 1 to {MaxHiddenUnits} units; got {string.Join(", ", hiddenUnits)}.",
        CreditModelKind.MultilayerPerceptron when !Enum.IsDefined(activation) => $"The hidden activation {(int)activation} is not defined; expected {string.Join(" or ", Enum.GetNames<HiddenActivation>())}.",
        CreditModelKind.MultilayerPerceptron => null,
        _ => $"The model kind {(int)kind} is not registered; expected {string.Join(" or ", Enum.GetNames<CreditModelKind>())}.",
    };
}
