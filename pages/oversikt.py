"""Placeholder until the page lands."""


import streamlit as st

from dashboard import boot

boot.guard()

st.title("oversikt")
st.info("Denne siden er under arbeid.")
