namespace PrivateFl.RestHost;

/// <summary>Settings of the model card the host serves at <c>/model_card</c>. Bound from the <c>ModelCardOptions</c> configuration section.</summary>
public sealed class ModelCardOptions
{
    /// <summary>
    /// Gets or sets the operator's labelled test set: the name of a CSV file in <see cref="RestHostOptions.DataRoot"/>, read
    /// with the same checks as <c>/fl_train</c>'s <c>addr</c>; empty for none. With a test set the card carries the test
    /// metrics and the fairness report. Default: empty.
    /// </summary>
    /// <remarks>The file is read once per released model version and only aggregate figures of it reach the card.</remarks>
    public string TestDataset { get; set; } = string.Empty;
}
