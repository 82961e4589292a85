namespace PrivateFl.ClientSdk;

/// <summary>How a column of a <see cref="FeatureSchema"/> becomes model features.</summary>
public enum FeatureKind
{
    /// <summary>
    /// A number scaled by its declared public range: (clamp(x, min, max) − min) / (max − min), one feature in [0, 1].
    /// </summary>
    Numeric,

    /// <summary>
    /// A category, one-hot over the declared vocabulary plus one "unknown" bucket: vocabulary size + 1 features,
    /// exactly one of which is 1.
    /// </summary>
    Categorical,
}
