//! "Set capture date": images often arrive without a date in their name or metadata, and the
//! analyst knows it from the order form or the provider's catalogue.

use crate::app::actions::Action;
use crate::model::{CaptureDate, DatedImage, Edit, SiteId};

/// The dialog's state: which image, and the text typed so far.
pub struct DateDialog {
    pub site: SiteId,
    pub image: DatedImage,
    pub text: String,
    pub error: Option<String>,
    focused: bool,
}

impl DateDialog {
    pub fn new(site: SiteId, image: DatedImage) -> Self {
        let text = match image.date {
            CaptureDate::Unknown => String::new(),
            d => d.to_string(),
        };
        Self {
            site,
            image,
            text,
            error: None,
            focused: false,
        }
    }

    /// The edit that sets the typed date, or why the text is not a date.
    pub fn edit(&self) -> Result<Edit, String> {
        let date: CaptureDate = self.text.parse().map_err(|e| format!("{e}"))?;
        let mut image = self.image.clone();
        image.date = date;
        Ok(Edit::ReplaceImage {
            site: self.site,
            image,
        })
    }

    /// Shows the dialog; returns the action to take and whether it should close.
    pub fn ui(&mut self, ctx: &egui::Context) -> (Option<Action>, bool) {
        let mut submit = false;
        let mut cancel = false;
        let modal = egui::Modal::new(egui::Id::unique("date-dialog")).show(ctx, |ui| {
            ui.set_min_width(420.0);
            ui.heading("Set capture date");
            ui.label(format!(
                "{} (image {})",
                self.image.file_name(),
                self.image.id
            ));
            let edit = ui.add(
                egui::TextEdit::singleline(&mut self.text)
                    .hint_text("YYYY-MM-DD, YYYY-MM-DDTHH:MM:SS or unknown")
                    .desired_width(f32::INFINITY),
            );
            if !self.focused {
                edit.request_focus();
                self.focused = true;
            }
            if edit.lost_focus() && ui.input(|i| i.key_pressed(egui::Key::Enter)) {
                submit = true;
            }
            if let Some(e) = &self.error {
                ui.colored_label(egui::Color32::from_rgb(255, 120, 100), e);
            }
            ui.horizontal(|ui| {
                if ui.button("OK").clicked() {
                    submit = true;
                }
                if ui.button("Cancel").clicked() {
                    cancel = true;
                }
            });
        });
        if submit {
            match self.edit() {
                Ok(edit) => return (Some(Action::Edit(edit)), true),
                Err(e) => self.error = Some(e),
            }
        }
        (None, cancel || modal.should_close())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::ImageId;

    fn dialog(text: &str) -> DateDialog {
        let mut d = DateDialog::new(
            SiteId(1),
            DatedImage::new(ImageId(4), "x.tif", CaptureDate::Unknown),
        );
        d.text = text.into();
        d
    }

    #[test]
    fn a_typed_date_becomes_one_image_edit() {
        let Ok(Edit::ReplaceImage { site, image }) = dialog("2011-05-24").edit() else {
            panic!("expected an image edit");
        };
        assert_eq!(site, SiteId(1));
        assert_eq!(image.date.to_string(), "2011-05-24");
        assert_eq!(image.path, "x.tif");
    }

    #[test]
    fn nonsense_is_refused_with_the_text_in_the_message() {
        let err = dialog("24/05/2011").edit().unwrap_err();
        assert!(err.contains("24/05/2011"), "{err}");
    }
}
