namespace PrivateFl.ClientSdk;

/// <summary>How a column of a <see cref="FeatureSchema"/> becomes model features.</summary>
public enum FeatureKind
{
    /// <summary>
    /// A number scaled by its declared public range: 2·(clamp(x, min, max) − min) / (max − min) − 1, one feature in [−1, 1].
    /// </summary>
    Numeric,

    /// <summary>
    /// A category, one-hot over the declared vocabulary plus one "unknown" bucket: vocabulary size + 1 features,
    /// exactly one of which is 1.
    /// </summary>
    Categorical,
}
