namespace PrivateFl.ClientSdk.Internal;

/// <summary>
/// <see cref="CreditModel"/> for a multilayer perceptron: hidden layers aₗ = act(Wₗ·aₗ₋₁ + bₗ) from a₀ = x, and the
/// output p = σ(v·a_L + c), trained on log loss by backpropagation, one example at a time so that record-level DP can
/// clip each example's gradient.
/// </summary>
/// <remarks>
/// Layout of the weight vector: each hidden layer in order, one row per unit as <c>[bias, weights over the previous
/// layer]</c>, then the output row <c>[c, v₁ … v_H]</c>, then, with <see cref="ModelSpecification.LinearSkip"/>, the F
/// weights u of the linear path (z = c + v·a_L + u·x; they and the output row start at zero). Scratch per example: every layer's activations (the input
/// included) and the back-propagated errors of the widest layer, twice.
/// </remarks>
internal sealed class MultilayerPerceptronModel : CreditModel
{
    private readonly int[] _widths;        // F, H₁ … H_L
    private readonly int[] _layerOffsets;  // first weight of hidden layer l (0-based), then of the output row
    private readonly int[] _activationOffsets; // where aₗ starts in the scratch, l = 0 … L
    private readonly int _maxWidth;
    private readonly int _parameterCount;
    private readonly int _skipOffset;      // the linear path's F weights, after the output row (= _parameterCount without one)
    private readonly int _scratchLength;
    private readonly HiddenActivation _activation;

    public MultilayerPerceptronModel(FeatureSchema schema, ModelSpecification specification)
        : base(schema, specification)
    {
        _activation = specification.Activation;
        _widths = [schema.EncodedLength, .. specification.HiddenUnits];
        int layers = specification.HiddenUnits.Count;
        _layerOffsets = new int[layers + 1];
        _activationOffsets = new int[layers + 1];
        int offset = 0;
        int activations = 0;
        for (int l = 0; l < layers; l++)
        {
            _layerOffsets[l] = offset;
            offset = checked(offset + (_widths[l + 1] * (_widths[l] + 1)));
            _activationOffsets[l] = activations;
            activations += _widths[l];
        }

        _layerOffsets[layers] = offset;
        _activationOffsets[layers] = activations;
        activations += _widths[layers];
        _skipOffset = checked(offset + _widths[layers] + 1);
        _parameterCount = specification.LinearSkip ? checked(_skipOffset + schema.EncodedLength) : _skipOffset;
        _maxWidth = _widths.Max();
        _scratchLength = activations + (2 * _maxWidth);
    }

    public override int ParameterCount => _parameterCount;

    private protected override int ScratchLength => _scratchLength;

    private int HiddenLayers => _widths.Length - 1;

    private protected override void InitializeCore(Span<double> weights)
    {
        // Glorot-uniform weights (Glorot and Bengio 2010) and zero biases, from the public seed: identical units would
        // receive identical gradients for ever, so the start must break symmetry, and every bank must start alike.
        // With the linear path the output row starts at zero as well (as the last layer of a residual branch does, Goyal
        // et al. 2017, Zhang et al. 2019): the fresh network is then exactly a zero-weight scorecard, its first clipped
        // gradients are the scorecard's plus the output row's, and the hidden units join as the output row grows. A
        // random output row would add noise to the log-odds that the few DP rounds must first undo (validation AUC on
        // Taiwan, 20 rounds at ε = 1: see docs/benchmarks.md). The hidden layers stay random, so symmetry is still broken.
        var random = new SeededRandom(Specification.InitializationSeed);
        for (int l = 0; l <= HiddenLayers; l++)
        {
            if (l == HiddenLayers && Specification.LinearSkip)
            {
                weights.Slice(_layerOffsets[l], _widths[l] + 1).Clear();
                break;
            }

            int fanIn = _widths[l];
            int fanOut = l < HiddenLayers ? _widths[l + 1] : 1;
            int units = fanOut;
            double limit = Math.Sqrt(6.0 / (fanIn + fanOut));
            for (int unit = 0; unit < units; unit++)
            {
                Span<double> row = weights.Slice(_layerOffsets[l] + (unit * (fanIn + 1)), fanIn + 1);
                row[0] = 0;
                for (int k = 1; k < row.Length; k++)
                {
                    double uniform = (random.NextUInt64() >> 11) * (1.0 / (1UL << 53));
                    row[k] = limit * ((2 * uniform) - 1);
                }
            }
        }
    }

    private protected override double LogOddsCore(ReadOnlySpan<double> weights, ReadOnlySpan<double> features, Span<double> scratch) =>
        Forward(weights, features, scratch);

    private protected override double GradientCore(ReadOnlySpan<double> weights, ReadOnlySpan<double> features, int label, Span<double> gradient, Span<double> scratch)
    {
        double z = Forward(weights, features, scratch);
        int layers = HiddenLayers;
        Span<double> bufferA = scratch.Slice(_scratchLength - (2 * _maxWidth), _maxWidth);
        Span<double> bufferB = scratch.Slice(_scratchLength - _maxWidth, _maxWidth);

        // Output row: ∂ℓ/∂z = σ(z) − y, then ∂ℓ/∂c = that and ∂ℓ/∂vⱼ = that · a_L,j.
        double outputError = LogisticRegression.Sigmoid(z) - label;
        ReadOnlySpan<double> top = scratch.Slice(_activationOffsets[layers], _widths[layers]);
        Span<double> outputGradient = gradient.Slice(_layerOffsets[layers], _widths[layers] + 1);
        outputGradient[0] = outputError;
        for (int j = 0; j < top.Length; j++)
        {
            outputGradient[j + 1] = outputError * top[j];
        }

        if (_parameterCount > _skipOffset)
        {
            // The linear path: ∂ℓ/∂uⱼ = (∂ℓ/∂z) · xⱼ, as in logistic regression.
            Span<double> skipGradient = gradient[_skipOffset..];
            skipGradient.Clear();
            SpanMath.MultiplyAdd(outputError, features, skipGradient);
        }

        // δ_L = (∂ℓ/∂z)·v ⊙ act′(z_L), then backwards: δₗ₋₁ = Wₗᵀδₗ ⊙ act′(zₗ₋₁); ∂ℓ/∂Wₗ = δₗ·aₗ₋₁ᵀ, ∂ℓ/∂bₗ = δₗ.
        ReadOnlySpan<double> outputWeights = weights.Slice(_layerOffsets[layers] + 1, _widths[layers]);
        Span<double> current = bufferA[.._widths[layers]];
        bool currentIsA = true;
        for (int j = 0; j < current.Length; j++)
        {
            current[j] = outputError * outputWeights[j] * Derivative(top[j]);
        }

        for (int l = layers - 1; l >= 0; l--)
        {
            int fanIn = _widths[l];
            ReadOnlySpan<double> below = l == 0 ? features : scratch.Slice(_activationOffsets[l], fanIn);
            Span<double> next = (currentIsA ? bufferB : bufferA)[..fanIn];
            next.Clear();
            for (int unit = 0; unit < current.Length; unit++)
            {
                double error = current[unit];
                int rowStart = _layerOffsets[l] + (unit * (fanIn + 1));
                Span<double> rowGradient = gradient.Slice(rowStart, fanIn + 1);
                rowGradient[0] = error;
                Span<double> weightGradient = rowGradient[1..];
                weightGradient.Clear();
                SpanMath.MultiplyAdd(error, below, weightGradient);
                if (l > 0)
                {
                    SpanMath.MultiplyAdd(error, weights.Slice(rowStart + 1, fanIn), next);
                }
            }

            if (l > 0)
            {
                for (int k = 0; k < fanIn; k++)
                {
                    next[k] *= Derivative(below[k]);
                }

                current = next;
                currentIsA = !currentIsA;
            }
        }

        return z;
    }

    private protected override bool IsBias(int index)
    {
        if (index >= _skipOffset)
        {
            return false;
        }

        for (int l = 0; l <= HiddenLayers; l++)
        {
            int fanIn = _widths[l];
            int end = l < HiddenLayers ? _layerOffsets[l + 1] : _parameterCount;
            if (index < end)
            {
                return (index - _layerOffsets[l]) % (fanIn + 1) == 0;
            }
        }

        return false;
    }

    /// <summary>Runs the layers, leaving each hidden layer's activations in the scratch; returns the output log-odds.</summary>
    private double Forward(ReadOnlySpan<double> weights, ReadOnlySpan<double> features, Span<double> scratch)
    {
        ReadOnlySpan<double> below = features;
        for (int l = 0; l < HiddenLayers; l++)
        {
            int fanIn = _widths[l];
            Span<double> activations = scratch.Slice(_activationOffsets[l + 1], _widths[l + 1]);
            for (int unit = 0; unit < activations.Length; unit++)
            {
                ReadOnlySpan<double> row = weights.Slice(_layerOffsets[l] + (unit * (fanIn + 1)), fanIn + 1);
                activations[unit] = Activate(row[0] + SpanMath.Dot(row[1..], below));
            }

            below = activations;
        }

        ReadOnlySpan<double> output = weights.Slice(_layerOffsets[HiddenLayers], _widths[HiddenLayers] + 1);
        double z = output[0] + SpanMath.Dot(output[1..], below);
        return _parameterCount > _skipOffset ? z + SpanMath.Dot(weights[_skipOffset..], features) : z;
    }

    private double Activate(double z) => _activation == HiddenActivation.Relu ? Math.Max(0, z) : Math.Tanh(z);

    /// <summary>act′ written in terms of the activation a = act(z): 1 − a² for tanh, 1 when a &gt; 0 for ReLU.</summary>
    private double Derivative(double a) => _activation == HiddenActivation.Relu ? (a > 0 ? 1 : 0) : 1 - (a * a);
}
