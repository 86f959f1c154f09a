package org.overparam.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import org.junit.jupiter.api.Test;
import org.overparam.UserError;

/** The adaptive preconditioner's settings: off by default, and refused when they cannot adapt. */
class SpectrumSpecTest {
    static Config with(String lanczos) {
        return ConfigFactory.parseString("spectrum.lanczos { " + lanczos + " }")
                .withFallback(ConfigFactory.defaultReference())
                .resolve();
    }

    @Test
    void theRankAdaptsFrom300UpTo1200UnlessTheMaximumIsZero() {
        SpectrumSpec.Lanczos d = SpectrumSpec.from(with("")).lanczos;
        assertThat(d.preconditionerMaxRank).isEqualTo(1200);
        assertThat(d.preconditionerRank).isEqualTo(300);
        assertThat(d.preconditionerCondition).isEqualTo(10.0);
        SpectrumSpec.Lanczos a = SpectrumSpec.from(with("preconditioner-max-rank = 2000")).lanczos;
        assertThat(a.preconditionerMaxRank).isEqualTo(2000);
        assertThat(SpectrumSpec.from(with("preconditioner-max-rank = 0")).lanczos.preconditionerMaxRank)
                .isZero();
    }

    @Test
    void aConditionOfAtMostOneIsRefusedAndAMaximumAtOrBelowTheRankKeepsItFixed() {
        UserError one = assertThrows(UserError.class, () -> SpectrumSpec.from(with("preconditioner-condition = 1")));
        assertThat(one.getMessage()).contains("preconditioner-condition").contains("found 1.0");
        SpectrumSpec.Lanczos fixed = SpectrumSpec.from(with("preconditioner-rank = 1500")).lanczos;
        assertThat(fixed.preconditionerRank).isEqualTo(1500);
        assertThat(fixed.preconditionerMaxRank)
                .as("the default maximum, below the rank")
                .isEqualTo(1200);
    }
}
