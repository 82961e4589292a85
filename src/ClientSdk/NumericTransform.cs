namespace PrivateFl.ClientSdk;

/// <summary>How a numeric column's value is transformed before it is scaled by its (transformed) declared range.</summary>
public enum NumericTransform
{
    /// <summary>The value is scaled as it is.</summary>
    None,

    /// <summary>
    /// The signed logarithm sign(x)·ln(1 + |x|), applied to the value and to both ends of the declared range before
    /// scaling. For heavy-tailed amounts (credit limits, bills, payments): without it, a range wide enough for the
    /// largest legitimate amount squeezes almost every customer into a sliver of [−1, 1].
    /// </summary>
    Log,
}
